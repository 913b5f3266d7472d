"""Small helpers the lab tests share."""

import configparser
import json
import os
import re
import shlex
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


RULE_COMMENT = "novaops.console_migration: "
RULE_FIELDS = {"-s": "source", "-p": "protocol", "--dport": "dport", "-j": "target", "--comment": "comment"}


def iptables_rules(text, chain="INPUT"):
    """The -A rules of `chain` in `iptables -S` or iptables-save text, in order.

    Each is {source, protocol, dport, target, comment, owner, name, words, line}; absent fields are None.
    """
    rules = []
    for line in text.splitlines():
        if not line.startswith("-A %s " % chain):
            continue
        words = shlex.split(line)
        rule = dict.fromkeys(list(RULE_FIELDS.values()) + ["owner", "name"])
        for flag, value in zip(words, words[1:]):
            if flag in RULE_FIELDS:
                rule[RULE_FIELDS[flag]] = value
        if (rule["comment"] or "").startswith(RULE_COMMENT):
            rule["owner"], _sep, rule["name"] = rule["comment"][len(RULE_COMMENT):].partition("/")
        rule.update(words=words, line=line)
        rules.append(rule)
    return rules


def find_rules(text, chain="INPUT", **match):
    """The rules of :func:`iptables_rules` whose fields equal `match` (owner="live_migration", dport="16514")."""
    return [rule for rule in iptables_rules(text, chain) if all(rule[key] == value for key, value in match.items())]


def delete_rule_command(rule):
    """The `iptables -D` command line that deletes `rule` (an entry of :func:`iptables_rules`)."""
    return " ".join(["iptables", "-D"] + [shlex.quote(word) for word in rule["words"][1:]])
