"""The lockout backend for the test settings: the test client's login() authenticates with
no request, which axes refuses outright (a sign-in over HTTP always has one). Those skip the
lockout here; every request-carrying sign-in is still counted and refused as in production
(tests/test_sec_lockout.py signs in through the pages)."""

from axes.backends import AxesStandaloneBackend


class LockoutUnlessRequestless(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
