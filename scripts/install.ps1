# Installs authsome on Windows (x86_64): the same steps as install.sh.
#
#   irm https://github.com/authsome/authsome/releases/latest/download/install.ps1 | iex
#
# It downloads the binary and SHA256SUMS from the release, checks the binary
# against SHA256SUMS and runs it once, and only then moves it into place. Any
# failure stops it with a message and leaves nothing behind.
#
# Environment:
#   AUTHSOME_VERSION       a release tag such as v0.2.0 (default: the latest)
#   AUTHSOME_DOWNLOAD_URL  where the binaries and SHA256SUMS are (default: the
#                          GitHub release of AUTHSOME_VERSION)
#   AUTHSOME_INSTALL_DIR   where to put authsome.exe (default: ~\.local\bin)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'

$RepoUrl = 'https://github.com/authsome/authsome'

function Say([string]$Message) {
  [Console]::Error.WriteLine("authsome-install: $Message")
}

# Throws rather than exits, so `irm ... | iex` does not close the caller's shell.
function Fail([string]$Message) {
  throw "authsome-install: error: $Message"
}

function Get-Target {
  if ($PSVersionTable.PSVersion.Major -ge 6 -and -not $IsWindows) {
    Fail 'this script is for Windows: use install.sh on Linux and macOS'
  }
  $arch = if ($env:PROCESSOR_ARCHITEW6432) { $env:PROCESSOR_ARCHITEW6432 } else { $env:PROCESSOR_ARCHITECTURE }
  if ($arch -ne 'AMD64') {
    Fail "unsupported architecture `"$arch`": authsome ships for x86_64 Windows"
  }
  return 'x86_64-pc-windows-msvc'
}

function Get-Download([string]$Url, [string]$File) {
  try {
    Invoke-WebRequest -UseBasicParsing -Uri $Url -OutFile $File
  } catch {
    Fail "cannot download ${Url}: $($_.Exception.Message)"
  }
}

function Install-Authsome {
  $asset = "authsome-$(Get-Target).exe"
  $version = if ($env:AUTHSOME_VERSION) { $env:AUTHSOME_VERSION } else { 'latest' }
  $base = if ($env:AUTHSOME_DOWNLOAD_URL) {
    $env:AUTHSOME_DOWNLOAD_URL.TrimEnd('/')
  } elseif ($version -eq 'latest') {
    "$RepoUrl/releases/latest/download"
  } else {
    "$RepoUrl/releases/download/v$($version.TrimStart('v'))"
  }
  $installDir = if ($env:AUTHSOME_INSTALL_DIR) { $env:AUTHSOME_INSTALL_DIR } else { Join-Path $HOME '.local\bin' }

  # Windows PowerShell 5.1 does not offer TLS 1.2 by default.
  [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

  $tmp = Join-Path ([IO.Path]::GetTempPath()) ("authsome-" + [Guid]::NewGuid())
  New-Item -ItemType Directory -Path $tmp | Out-Null
  $staged = $null
  try {
    $downloaded = Join-Path $tmp $asset
    Say "downloading $base/$asset"
    Get-Download "$base/$asset" $downloaded
    Get-Download "$base/SHA256SUMS" (Join-Path $tmp 'SHA256SUMS')

    $expected = $null
    foreach ($line in Get-Content (Join-Path $tmp 'SHA256SUMS')) {
      if ($line -match '^([0-9a-fA-F]{64}) [ *](.+)$' -and $Matches[2] -eq $asset) {
        $expected = $Matches[1].ToLower()
        break
      }
    }
    if (-not $expected) { Fail "SHA256SUMS at $base lists no `"$asset`"; nothing was installed" }
    $actual = (Get-FileHash -Algorithm SHA256 -Path $downloaded).Hash.ToLower()
    if ($actual -ne $expected) {
      Fail "checksum mismatch for ${asset}: SHA256SUMS says $expected, the download is $actual; nothing was installed"
    }

    $installedVersion = $null
    $runs = $false
    try {
      $installedVersion = & $downloaded --version 2>$null
      $runs = $LASTEXITCODE -eq 0
    } catch { }
    if (-not $runs -or -not $installedVersion) {
      Fail "the downloaded $asset does not run on this machine; nothing was installed"
    }

    try {
      New-Item -ItemType Directory -Force -Path $installDir | Out-Null
      # Copy beside the target, then rename: the old binary stays whole until the last step.
      $staged = Join-Path $installDir ".authsome.$PID.tmp"
      Copy-Item -Path $downloaded -Destination $staged
      Move-Item -Force -Path $staged -Destination (Join-Path $installDir 'authsome.exe')
      $staged = $null
    } catch {
      Fail "cannot write $(Join-Path $installDir 'authsome.exe') (is authsome running?): $($_.Exception.Message)"
    }

    Say "installed $installedVersion to $(Join-Path $installDir 'authsome.exe')"
    if (($env:PATH -split ';') -notcontains $installDir) {
      Say "$installDir is not on your PATH; add it for this session with:"
      Say "  `$env:PATH = `"$installDir;`$env:PATH`""
      Say 'and for good with:'
      Say "  [Environment]::SetEnvironmentVariable('PATH', `"$installDir;`" + [Environment]::GetEnvironmentVariable('PATH', 'User'), 'User')"
      if ($env:GITHUB_PATH) {
        Say 'or, for the next steps of a GitHub Actions job:'
        Say "  Add-Content `$env:GITHUB_PATH `"$installDir`""
      }
    }
  } finally {
    if ($staged) { Remove-Item -Force -ErrorAction SilentlyContinue $staged }
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $tmp
  }
}

Install-Authsome
