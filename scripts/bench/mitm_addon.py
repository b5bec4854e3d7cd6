# The benchmark's mitmproxy addon: sets the same header authsome injects.
class Inject:
    def request(self, flow):
        flow.request.headers["Authorization"] = "Bearer bench-key"


addons = [Inject()]
