"""Small helpers the lab tests share."""

import configparser
import json
import os
import re
import subprocess
import textwrap


def nova_conf(host, path="/etc/nova/nova.conf"):
    parser = configparser.RawConfigParser(strict=False, default_section="__none__")
    parser.read_string(host.file(path).content_string)
    return parser


def tcp_probe(host, address, port, read=0, timeout=5):
    """Connect from `host` to address:port; return ('ok', first bytes) or ('refused'|'timeout'|..., error)."""
    script = textwrap.dedent(
        """
        import json, socket, sys
        addr, port, read, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
        try:
            s = socket.create_connection((addr, port), timeout=timeout)
            data = s.recv(read).decode("latin-1") if read else ""
            s.close()
            print(json.dumps(["ok", data]))
        except ConnectionRefusedError as e:
            print(json.dumps(["refused", str(e)]))
        except socket.timeout as e:
            print(json.dumps(["timeout", str(e)]))
        except OSError as e:
            print(json.dumps(["error", str(e)]))
        """
    )
    out = host.check_output("python3 -c %s %s %s %s %s", script, str(address), str(port), str(read), str(timeout))
    return tuple(json.loads(out))


def http_get(host, url, timeout=10):
    script = textwrap.dedent(
        """
        import json, sys, urllib.request
        try:
            with urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])) as r:
                print(json.dumps([r.status, r.read(65536).decode("utf-8", "replace")]))
        except Exception as e:
            print(json.dumps([0, repr(e)]))
        """
    )
    return tuple(json.loads(host.check_output("python3 -c %s %s %s", script, str(url), str(timeout))))


def run_playbook(playbook, *args):
    """ansible-playbook against the scenario's lab, without colour, not raising on failure."""
    return subprocess.run(
        ["ansible-playbook", "-i", os.environ["MOLECULE_INVENTORY_FILE"], playbook, *args],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0"),
    )


def recap(stdout):
    """{host: changed count} from a PLAY RECAP."""
    return {host: int(changed) for host, changed in re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", stdout, re.M)}
