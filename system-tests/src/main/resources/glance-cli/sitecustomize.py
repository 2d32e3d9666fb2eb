# Loaded by python3 at start-up when its directory is on PYTHONPATH (see GlanceCli.java).
# Stands in for keystonemiddleware's auth_token: a Keystone-less Glance ("trusted" paste flavor) reads the
# identity from X-Identity-Status / X-Roles / X-Project-Id, which auth_token would set after validating a token.
# Every HTTP request the CLI sends gets the headers named by ILSYS_HEADER_<Name_With_Underscores> variables.
import os

_headers = {k[len("ILSYS_HEADER_"):].replace("_", "-"): v
            for k, v in os.environ.items() if k.startswith("ILSYS_HEADER_")}
if _headers:
    import requests.sessions as _sessions

    _send = _sessions.Session.request

    def _request(self, method, url, headers=None, **kwargs):
        merged = dict(headers or {})
        merged.update(_headers)
        return _send(self, method, url, headers=merged, **kwargs)

    _sessions.Session.request = _request
