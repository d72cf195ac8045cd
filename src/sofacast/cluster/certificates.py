"""The client's TLS certificates for a tls:// cluster: from sofacast.toml's [cluster], else from Dask's own
configuration, every file checked before the TLS library reads it (a FIFO or a device would hang it, a key behind a
passphrase would prompt on the terminal)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sofacast.cluster.problems import ClusterError, reason

MAX_PEM_BYTES = 1_000_000  # a certificate chain is a few kB; anything bigger is not one
TLS_FIELDS = {"ca_file": "tls_ca_file", "cert": "tls_client_cert", "key": "tls_client_key"}  # [cluster] -> Security
TLS_HINT = ("Set ca_file, cert and key under [cluster] in sofacast.toml, or Dask's own distributed.comm.tls.ca-file, "
            "distributed.comm.tls.client.cert and .client.key (in its configuration files, or as "
            "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT and "
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY)")


@dataclass(frozen=True)
class ClusterSettings:
    """sofacast.toml's [cluster], its files' paths made absolute (relative ones are from the workspace folder)."""

    ca_file: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    require_tls: bool = False

    @property
    def has_files(self) -> bool:
        return any((self.ca_file, self.cert, self.key))


def cluster_settings(root: Path, table: Mapping[str, Any]) -> ClusterSettings:
    """`table`: [cluster] as the schema checked it."""
    def path(name: str) -> Path | None:
        value = table.get(name, "")
        return root / Path(value).expanduser() if value else None

    return ClusterSettings(path("ca_file"), path("cert"), path("key"), bool(table.get("require_tls", False)))


def client_security(address: str, settings: ClusterSettings) -> Any:
    """The client's TLS settings for `address`: [cluster]'s files when it names any, else Dask's configuration;
    checked and loaded, so that a wrong file fails here with nothing sent yet."""
    import dask

    if not settings.has_files and dask.config.get("distributed.client.security-loader", None):
        return None  # Dask's own loader finds them when the client connects
    security = _settings_security(settings)
    source = "sofacast.toml's [cluster]" if settings.has_files else "Dask's configuration"
    files = {name: getattr(security, field) for name, field in TLS_FIELDS.items()}
    missing = [name for name in ("ca_file", "cert") if not files[name]]
    if missing:
        said = "none are set" if len(missing) == 2 else f"{source} sets no {missing[0]}"
        raise ClusterError(f"--cluster {address} needs TLS certificates, and {said}", TLS_HINT + ".")
    texts = {name: _pem_text(value, _where(name, settings.has_files)) for name, value in files.items()}
    if not files["key"] and b"PRIVATE KEY" not in texts["cert"]:
        raise ClusterError(f"{_where('cert', settings.has_files)} holds no private key, and no key file is set",
                           "Set key to the certificate's key file (or append the key to the cert file).")
    try:
        security.get_connection_args("client")
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        raise ClusterError(f"the TLS certificates from {source} cannot be used ({reason(exc)})",
                           "Check that cert is a PEM certificate, key its private key and ca_file the CA that "
                           "signed the cluster's certificates.") from None
    return security


def _settings_security(settings: ClusterSettings) -> Any:
    """[cluster]'s three files, or (when it names none) Dask's: never some of each, which no one could follow."""
    from distributed.security import Security

    given = {field: str(getattr(settings, name)) if getattr(settings, name) else None for name, field in TLS_FIELDS.items()}
    try:
        return Security(require_encryption=True, **(given if settings.has_files else {}))
    except (TypeError, ValueError) as exc:  # Dask's tls settings: a min-version it does not know…
        raise ClusterError(f"Dask's TLS configuration cannot be used ({reason(exc)})",
                           "Fix distributed.comm.tls in Dask's configuration files or DASK_DISTRIBUTED__COMM__TLS__… "
                           "variables.") from None


def _where(name: str, from_toml: bool) -> str:
    dask_names = {"ca_file": "ca-file", "cert": "client.cert", "key": "client.key"}
    return f"sofacast.toml: cluster.{name}" if from_toml else f"Dask's distributed.comm.tls.{dask_names[name]}"


def _pem_text(value: str | None, where: str) -> bytes:
    """What a PEM setting holds, from a file the TLS library can then read without hanging on it (a FIFO, a device,
    a huge file) or asking for a passphrase on the terminal."""
    if not value or "\n" in value:  # unset, or the PEM text itself (Dask takes either)
        return (value or "").encode()
    path = Path(value)
    hint = "Give the path of a PEM file (a relative path is from the workspace folder)."
    try:
        if not path.exists():
            raise ClusterError(f"{where}: {value} does not exist", hint)
        if not path.is_file():
            raise ClusterError(f"{where}: {value} is not a file", hint)
        if path.stat().st_size > MAX_PEM_BYTES:
            raise ClusterError(f"{where}: {value} is too large to be a certificate or key "
                               f"({path.stat().st_size:,} bytes; the most is {MAX_PEM_BYTES:,})", hint)
        text = path.read_bytes()
    except OSError as exc:
        raise ClusterError(f"{where}: {value} cannot be read ({exc.strerror or exc})", hint) from None
    if b"ENCRYPTED" in text and b"PRIVATE KEY" in text:
        raise ClusterError(f"{where}: {value} holds a key protected by a passphrase, which sofacast cannot type in",
                           "Give an unencrypted copy that only you can read (openssl pkey -in KEY -out PLAIN; "
                           "chmod 600 PLAIN).")
    return text
