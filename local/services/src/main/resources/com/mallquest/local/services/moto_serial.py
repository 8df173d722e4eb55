"""moto_server serving one request at a time (same arguments as moto_server).

moto's DynamoDB runs a conditional write or a transaction without a lock, and moto_server serves requests on
threads: two concurrent conditional writes can both pass their condition (a lost update), and a cancelled
transaction restores its tables from a copy taken when it began, over writes other requests made meanwhile.
DynamoDB applies each request atomically; one lock around moto's application gives that back. Connections are
still served on threads (keep-alive), only the work of each request is serialised.
"""
import sys
import threading

import moto.server as server

_lock = threading.Lock()
_call = server.DomainDispatcherApplication.__call__


def _one_at_a_time(self, environ, start_response):
    with _lock:
        return _call(self, environ, start_response)


server.DomainDispatcherApplication.__call__ = _one_at_a_time
server.main(sys.argv[1:])
