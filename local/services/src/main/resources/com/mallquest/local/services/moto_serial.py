"""moto_server serving one request at a time (same arguments as moto_server).

moto's DynamoDB runs a conditional write or a transaction without a lock, and moto_server serves requests on
threads: two concurrent conditional writes can both pass their condition (a lost update), and a cancelled
transaction restores its tables from a copy taken when it began, over writes other requests made meanwhile.
DynamoDB applies each request atomically; one lock around moto's application gives that back. Connections are
still served on threads (keep-alive), only the work of each request is serialised. Within that lock a transaction
copies each of its tables once, not once per item (see _EachTableCopiedOnce).
"""
import copy
import sys
import threading

import moto.dynamodb.models as dynamodb_models
import moto.server as server
from moto.dynamodb.models.table import Table

_lock = threading.Lock()
_call = server.DomainDispatcherApplication.__call__


def _one_at_a_time(self, environ, start_response):
    with _lock:
        return _call(self, environ, start_response)


server.DomainDispatcherApplication.__call__ = _one_at_a_time


class _EachTableCopiedOnce:
    """The copy module as moto's DynamoDB backend sees it: within one TransactWriteItems, a table is deep-copied once.

    moto backs up a table once per item of a transaction (before any write, so the copies are identical): a credit's
    ten items cost ten copies of the whole Users table. Under the lock above the first copy serves them all.
    """

    def __init__(self):
        self.copies = None

    def deepcopy(self, value, memo=None):
        if self.copies is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in self.copies:
            self.copies[id(value)] = copy.deepcopy(value, memo)
        return self.copies[id(value)]

    def __getattr__(self, name):
        return getattr(copy, name)


_copies = _EachTableCopiedOnce()
dynamodb_models.copy = _copies
_transact_write_items = dynamodb_models.DynamoDBBackend.transact_write_items


def _transact_copying_each_table_once(self, transact_items):
    _copies.copies = {}
    try:
        return _transact_write_items(self, transact_items)
    finally:
        _copies.copies = None


dynamodb_models.DynamoDBBackend.transact_write_items = _transact_copying_each_table_once
server.main(sys.argv[1:])
