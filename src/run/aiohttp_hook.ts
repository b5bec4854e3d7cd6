/**
 * The part of the run's Python `sitecustomize` that makes aiohttp honour the
 * proxy variables: aiohttp reads them only when a session is made with
 * `trust_env=True`, so once `aiohttp.client` is imported (and only then),
 * `ClientSession` defaults `trust_env` to True. A caller that passes
 * `trust_env` keeps its choice. Nothing is imported ahead of the program:
 * a finder on `sys.meta_path` waits for the module and wraps the module's own
 * loader's `exec_module`, so `__loader__` stays the real one; if anything is
 * unexpected, aiohttp loads untouched.
 */

/** Python source run by the sitecustomize (it expects `_sys` to be the `sys` module). */
export const AIOHTTP_TRUST_ENV_HOOK = `
def _aiohttp_trust_env():
    import functools, importlib.machinery
    def patch(module):
        cls = module.ClientSession
        init = cls.__init__
        @functools.wraps(init)
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("trust_env", True)
            init(self, *args, **kwargs)
        cls.__init__ = __init__
    class Finder:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name != "aiohttp.client":
                return None
            try:
                spec = importlib.machinery.PathFinder.find_spec(name, path, target)
                loader = spec.loader
                exec_module = loader.exec_module
                def exec_and_patch(module):
                    exec_module(module)
                    try:
                        patch(module)
                    except Exception:
                        pass
                loader.exec_module = exec_and_patch
                return spec
            except Exception:
                return None
    _sys.meta_path.insert(0, Finder)
try:
    _aiohttp_trust_env()
except Exception:
    pass
`;
