from __future__ import annotations

from .request_context import client_ip, ip_from_request


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
