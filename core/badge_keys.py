"""The Ed25519 key that signs the Open Badges credentials (core.open_badges). Free of models,
so the production settings can check a configured key before the site starts."""

import functools

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

# Changing this string changes every derived key (and so invalidates every JWT already
# handed out): it names the purpose, so the same SECRET_KEY never yields this key elsewhere.
HKDF_INFO = b"jiangxin open-badges ed25519 signing key v1"


def parse_pem(pem):
    """An Ed25519 private key from PEM text, or ImproperlyConfigured saying what is wrong.
    An environment variable often holds the PEM on one line, with literal \\n for breaks."""
    text = pem.replace("\\n", "\n").strip().encode()
    try:
        key = serialization.load_pem_private_key(text, password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "OPEN_BADGES_SIGNING_KEY must be an unencrypted private key in PEM"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("OPEN_BADGES_SIGNING_KEY must be an Ed25519 key")
    return key


@functools.lru_cache(maxsize=4)
def signing_key(pem, secret_key):
    """The configured key where there is one, else one derived from the secret key: the same
    in every process that shares the settings."""
    if pem:
        return parse_pem(pem)
    if not secret_key:
        raise ImproperlyConfigured("Signing Open Badges needs SECRET_KEY or a signing key")
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret_key.encode()
    )
    return Ed25519PrivateKey.from_private_bytes(seed)
