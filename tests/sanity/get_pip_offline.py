"""Offline stand-in for ansible-test's pip bootstrap script.

ansible-test fetches get-pip.py from a host outside the package registries;
this bootstraps pip with ensurepip and installs the requested packages from
the configured package index instead.
"""

import ensurepip
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
