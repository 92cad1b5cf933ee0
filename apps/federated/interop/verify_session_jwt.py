#!/usr/bin/python3
"""Verifies a Tessera session JWT with PyJWT and only the app's JWKS; prints its claims.

A second, independent JWT implementation for the interop test: Debian's python3-jwt
(PyJWT) instead of jose. Run it with Debian's interpreter, /usr/bin/python3.

    /usr/bin/python3 verify_session_jwt.py --jwks http://127.0.0.1:3000/.well-known/jwks.json \
        --issuer tessera-demo --audience tessera-federated < token.txt

Prints the claims (all but sid, the app's session credential) as one JSON object on stdout and exits 0, or prints
{"error": "<PyJWT exception name>"} on stdout and exits 1. Never prints the token.
"""

import argparse
import json
import sys

import jwt

# Asymmetric algorithms only: a service holding the public key must never accept HS*
# (it would verify an HMAC keyed with that public key) or "none".
ALGORITHMS = ["EdDSA", "ES256", "RS256", "PS256"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jwks", required=True, help="URL of the app's JWKS")
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--audience", required=True)
    parser.add_argument("--typ", default="tessera-session+jwt", help="expected typ header")
    args = parser.parse_args()
    token = sys.stdin.read().strip()
    try:
        # The key comes from the JWKS by kid, never from the token's own headers.
        signing_key = jwt.PyJWKClient(args.jwks, cache_keys=False).get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=ALGORITHMS,
            issuer=args.issuer,
            audience=args.audience,
            options={"require": ["exp", "iat", "iss", "aud"]},
        )
        # PyJWT 2.6 does not check typ; it is part of the contract (RFC 8725 section 3.11).
        if jwt.get_unverified_header(token).get("typ") != args.typ:
            raise jwt.InvalidTokenError("typ")
    except (jwt.PyJWTError, ValueError) as error:
        print(json.dumps({"error": type(error).__name__}))
        return 1
    # sid is the app's session credential: never printed, as the federated service never echoes it.
    claims.pop("sid", None)
    print(json.dumps(claims, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
