"""Hostile `--cluster` addresses and [cluster] settings: brackets left open, ports out of range, schemes Dask does
not know, control and bidi characters, 5,000 characters; tls:// with no certificates, or with files that are
missing, folders, devices, FIFOs, huge, not PEM, another pair's key, a key behind a passphrase; plain addresses
where [cluster] require_tls = true (or Dask's own require-encryption) refuses them; and Dask's own TLS settings
given wrong in its environment variables.

Each one is one line that says what is wrong and how to fix it, a non-zero exit, no traceback, and nothing
written to the workspace; none reaches the network (the one address tried at all is a closed port on 127.0.0.1).
Before: `tls://` without certificates and `tcp://[::1` were internal errors (exit 70), and `publish` pulled its
source before finding the cluster's address unusable."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cluster_tls import write_tls_files
from tests.conftest import RECORDINGS, copy_sample_show
from tests.faults.conftest import Run, assert_clean, measured, snapshot, sofacast
from tests.requirements import DASK, require

TLS = "tls://127.0.0.1:9"  # a closed port here: every case is refused before any connection is tried
GOOD = 'ca_file = "{x}/tls/ca.pem"\ncert = "{x}/tls/cluster.pem"\nkey = "{x}/tls/cluster-key.pem"\n'
NOT_ADDRESS = "is not a cluster's address"


@dataclass(frozen=True)
class Hostile:
    id: str
    address: str  # --cluster; empty: not given (SOFACAST_CLUSTER in env gives it)
    says: str  # part of the one line ({x}: the folder of TLS files, {root}: the workspace)
    cluster: str = ""  # the [cluster] table's lines in sofacast.toml
    top: str = ""  # lines put at the top of sofacast.toml
    env: dict[str, str] = field(default_factory=dict)  # set: run as a process with these variables, as a shell would


def _dask(**variables: str) -> dict[str, str]:
    return {f"DASK_DISTRIBUTED__COMM__{name}": value for name, value in variables.items()}


CASES = [
    # addresses: brackets and IPv6
    Hostile("ipv6-bracket-left-open", "tcp://[::1", "the IPv6 address's ']' is missing"),
    Hostile("ipv6-without-brackets", "tcp://::1:8786", "an IPv6 address goes in brackets, e.g. tls://[::1]:8786"),
    Hostile("ipv6-that-is-not-one", "tcp://[::g]:8786", "[::g] is not an IPv6 address"),
    Hostile("ipv6-bracket-doubled", "tcp://[::1]]:8786", "only scheme://host:port, with no user, path or query"),
    # ports
    Hostile("port-0", "tcp://127.0.0.1:0", "the port '0' is not a number from 1 to 65535"),
    Hostile("port-65536", "tcp://127.0.0.1:65536", "the port '65536' is not a number from 1 to 65535"),
    Hostile("port-negative", "tcp://127.0.0.1:-1", "the port '-1' is not a number"),
    Hostile("port-empty", "tcp://127.0.0.1:", "the port '' is not a number"),
    Hostile("port-fullwidth-digits", "tcp://127.0.0.1:\uff18\uff17\uff18\uff16",
            "the port '\uff18\uff17\uff18\uff16' is not a number"),
    Hostile("port-40-digits", "tcp://127.0.0.1:" + "9" * 40, "the port '99999999999999999999' is not a number"),
    Hostile("two-ports", "tcp://127.0.0.1:8786:8787", "only scheme://host:port"),
    # schemes
    Hostile("scheme-http", "http://127.0.0.1:8786", "http:// is not one of Dask's: tcp://, ws://, ucx://, tls://, wss://"),
    Hostile("scheme-file", "file:///etc/passwd", "file:// is not one of Dask's"),
    Hostile("scheme-inproc", "inproc://127.0.0.1/1", "inproc:// is not one of Dask's"),
    Hostile("no-scheme", "127.0.0.1:8786", "no scheme such as tls://"),
    Hostile("user-and-password", "tcp://user:secret@127.0.0.1:8786", "only scheme://host:port, with no user"),
    Hostile("path-and-query", "tcp://127.0.0.1:8786/x?y=1", "only scheme://host:port, with no user, path or query"),
    Hostile("no-host", "tls://", "it names no host"),
    # characters and sizes
    Hostile("nul", "tcp://127.0.0.1\x00:8786", "it holds a control character, U+0000"),
    Hostile("escape-sequence", "tcp://\x1b[2J127.0.0.1:8786", "it holds a control character, U+001B"),
    Hostile("bidi-override", "tls://\u202e127.0.0.1:8786", "it holds a control character, U+202E"),
    Hostile("5000-characters", "tcp://" + "a" * 5000 + ":8786", "too long: 5,011 characters, the most is 300"),
    Hostile("dns-label-of-64", "tcp://" + "a" * 64 + ".example:8786", "is not a host name or IP address"),
    Hostile("shell-in-the-host", "tcp://sched;rm -rf ~:8786", "'sched;rm -rf ~' is not a host name or IP address"),
    Hostile("local-1000-workers", "local:1000", "local takes 1 to 999 workers, e.g. local:4"),
    Hostile("local-negative", "local:-2", "local takes 1 to 999 workers"),
    Hostile("sofacast-cluster-variable", "", "the IPv6 address's ']' is missing", env={"SOFACAST_CLUSTER": "tcp://[::1"}),
    # TLS without certificates (before: TypeError, exit 70)
    Hostile("tls-without-certificates", TLS, "needs TLS certificates, and none are set. Set ca_file, cert and key under "
                                             "[cluster] in sofacast.toml, or Dask's own distributed.comm.tls.ca-file"),
    Hostile("wss-without-certificates", "wss://127.0.0.1:9", "needs TLS certificates, and none are set"),
    Hostile("tls-with-only-a-ca", TLS, "sofacast.toml's [cluster] sets no cert", cluster='ca_file = "{x}/tls/ca.pem"\n'),
    Hostile("tls-with-no-ca", TLS, "sofacast.toml's [cluster] sets no ca_file",
            cluster='cert = "{x}/tls/cluster.pem"\nkey = "{x}/tls/cluster-key.pem"\n'),
    # plain addresses refused
    Hostile("require-tls-tcp-here", "tcp://127.0.0.1:9", "--cluster tcp://127.0.0.1:9 is not encrypted, and "
                                                         "sofacast.toml's [cluster] require_tls = true refuses it",
            cluster="require_tls = true\n"),
    Hostile("require-tls-ws", "ws://127.0.0.1:9", "is not encrypted, and sofacast.toml's [cluster] require_tls = true",
            cluster="require_tls = true\n"),
    Hostile("require-tls-capitals", "TCP://LOCALHOST:9", "--cluster tcp://LOCALHOST:9 is not encrypted",
            cluster="require_tls = true\n"),
    # [cluster]'s files
    Hostile("ca-file-missing", TLS, "sofacast.toml: cluster.ca_file: {x}/nowhere/ca.pem does not exist",
            cluster=GOOD.replace("{x}/tls/ca.pem", "{x}/nowhere/ca.pem")),
    Hostile("relative-path-is-from-the-workspace", TLS, "cluster.ca_file: {root}/certs/ca.pem does not exist",
            cluster=GOOD.replace("{x}/tls/ca.pem", "certs/ca.pem")),
    Hostile("cert-is-a-folder", TLS, "sofacast.toml: cluster.cert: {x}/folder is not a file",
            cluster=GOOD.replace("{x}/tls/cluster.pem", "{x}/folder")),
    Hostile("key-is-dev-zero", TLS, "sofacast.toml: cluster.key: /dev/zero is not a file",
            cluster=GOOD.replace("{x}/tls/cluster-key.pem", "/dev/zero")),
    Hostile("ca-file-is-a-fifo", TLS, "cluster.ca_file: {x}/ca.fifo is not a file",
            cluster=GOOD.replace("{x}/tls/ca.pem", "{x}/ca.fifo")),
    Hostile("cert-over-1-mb", TLS, "is too large to be a certificate or key (1,000,001 bytes",
            cluster=GOOD.replace("{x}/tls/cluster.pem", "{x}/big.pem")),
    Hostile("cert-not-pem", TLS, "the TLS certificates from sofacast.toml's [cluster] cannot be used",
            cluster=GOOD.replace("{x}/tls/cluster.pem", "{x}/garbage.pem")),
    Hostile("key-of-another-certificate", TLS, "the TLS certificates from sofacast.toml's [cluster] cannot be used",
            cluster=GOOD.replace("{x}/tls/cluster-key.pem", "{x}/other/cluster-key.pem")),
    Hostile("key-behind-a-passphrase", TLS, "cluster.key: {x}/locked/cluster-key.pem holds a key protected by a passphrase",
            cluster=GOOD.replace("{x}/tls/cluster-key.pem", "{x}/locked/cluster-key.pem")),
    Hostile("cert-without-its-key", TLS, "sofacast.toml: cluster.cert holds no private key, and no key file is set",
            cluster='ca_file = "{x}/tls/ca.pem"\ncert = "{x}/tls/cluster.pem"\n'),
    # [cluster] as the schema checks it
    Hostile("path-with-nul", TLS, "sofacast.toml: cluster.ca_file: holds control characters",
            cluster='ca_file = "ca\\u0000.pem"\n'),
    Hostile("path-with-escape-sequence", TLS, "cluster.cert: holds control characters", cluster='cert = "\\u001b[31mcert.pem"\n'),
    Hostile("path-is-an-address", TLS, "cluster.ca_file: an address, not a file on this machine",
            cluster='ca_file = "https://example.org/ca.pem"\n'),
    Hostile("path-of-5000-characters", TLS, "cluster.key: too long", cluster=f'key = "{"k" * 5000}"\n'),
    Hostile("require-tls-as-text", TLS, "cluster.require_tls: not true or false, got 'yes'", cluster='require_tls = "yes"\n'),
    Hostile("unknown-setting", TLS, "unknown setting 'cluster.tls_cert'. Known here: ca_file, cert, key, require_tls",
            cluster='tls_cert = "x.pem"\n'),
    Hostile("cluster-not-a-table", TLS, "sofacast.toml: cluster: not a table", top='cluster = "tls"\n'),
    # Dask's own settings, from its environment variables
    Hostile("dask-ca-file-without-cert", TLS, "Dask's configuration sets no cert", env=_dask(TLS__CA_FILE="{x}/tls/ca.pem")),
    Hostile("dask-ca-file-missing", TLS, "Dask's distributed.comm.tls.ca-file: {x}/nowhere.pem does not exist",
            env=_dask(TLS__CA_FILE="{x}/nowhere.pem", TLS__CLIENT__CERT="{x}/tls/cluster.pem",
                      TLS__CLIENT__KEY="{x}/tls/cluster-key.pem")),
    Hostile("dask-tls-1.0", TLS, "Dask's TLS configuration cannot be used (distributed.comm.tls.min-version=1.0",
            env=_dask(TLS__MIN_VERSION="1.0", TLS__CA_FILE="{x}/tls/ca.pem", TLS__CLIENT__CERT="{x}/tls/cluster.pem")),
    Hostile("dask-require-encryption", "tcp://127.0.0.1:9", "is not encrypted, and Dask's distributed.comm.require-encryption "
                                                            "refuses it", env=_dask(REQUIRE_ENCRYPTION="True")),
]


@pytest.fixture(scope="module")
def tls_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Good TLS files (tls/), another pair (other/), a key behind a passphrase (locked/), and files that are no
    certificates: a folder, a FIFO (reading it would wait for ever), 1 MB, text."""
    require("cryptography", DASK, "the cluster extra: pip install -e '.[cluster]'")
    folder = tmp_path_factory.mktemp("cluster-files")
    write_tls_files(folder / "tls")
    write_tls_files(folder / "other", name="another-cluster")
    write_tls_files(folder / "locked", passphrase=b"a passphrase")
    (folder / "folder").mkdir()
    os.mkfifo(folder / "ca.fifo")
    (folder / "big.pem").write_bytes(b"A" * 1_000_001)
    (folder / "garbage.pem").write_text("not a certificate\n")
    return folder


def _filled(text: str, folder: Path, root: Path) -> str:
    return text.replace("{x}", str(folder)).replace("{root}", str(root.resolve()))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_cluster_address_or_setting_is_one_line(case: Hostile, tls_folder: Path, tmp_path: Path, cli) -> None:
    require("distributed", DASK, "the cluster extra: pip install -e '.[cluster]'")
    root = copy_sample_show(tmp_path / "show", media=False, transcripts=())
    toml = root / "sofacast.toml"
    toml.write_text(_filled(case.top, tls_folder, root) + toml.read_text()
                    + (f"\n[cluster]\n{_filled(case.cluster, tls_folder, root)}" if case.cluster else ""))
    before = snapshot(root)
    args = ["transcribe", "--all", *(["--cluster", case.address] if case.address else []), "-w", root]
    # With env: as a producer runs it, Dask reading its variables as it starts (and no SOFACAST_DEBUG).
    result = (sofacast(*args, env={k: _filled(v, tls_folder, root) for k, v in case.env.items()}, debug=False, timeout=120)
              if case.env else cli(*args))
    assert_clean(result, failed=True)
    err = result.err if isinstance(result, Run) else result.stderr
    line, = [line for line in err.splitlines() if line.strip()]
    assert _filled(case.says, tls_folder, root) in line, line
    assert len(line) < 800 and "Traceback" not in line and "unexpectedly" not in line
    assert snapshot(root) == before
    measured("hostile cluster addresses and settings")


def test_publish_refuses_an_unusable_cluster_before_pulling_anything(tmp_path: Path, cli) -> None:
    """Before: the source was pulled into the workspace, then the address failed with an internal error (exit 70)."""
    require("distributed", DASK, "the cluster extra: pip install -e '.[cluster]'")
    root = copy_sample_show(tmp_path / "show", media=False, transcripts=())
    source = tmp_path / "new-interview.mp3"
    shutil.copy(RECORDINGS / "capacity-building.mp3", source)
    before = snapshot(root)
    result = cli("publish", source, "--slug", "new-interview", "--cluster", "tcp://[::1", "-w", root)
    assert_clean(result, failed=True)
    line, = result.stderr.strip().splitlines()
    assert NOT_ADDRESS in line and "the IPv6 address's ']' is missing" in line
    assert snapshot(root) == before and not (root / "episodes" / "new-interview").exists()
    measured("hostile cluster addresses and settings")
