"""What the Python client tests share: the processes they start die with
them, their temporary directories go, and a whole run stops by itself.

    ARGS = client_test_support.ARGS   # after main() parsed them
    client_test_support.main(__doc__, "http_api_test")
"""

import argparse
import ctypes
import os
import pathlib
import shutil
import signal
import sys
import tempfile
import unittest

# --indexer and --server, once main() has parsed them.
ARGS = argparse.Namespace(indexer=None, server=None)
# What the tests started, so that a timeout (SIGALRM) can stop it too:
# objects with a stop() method, and directories.
RUNNING = {"servers": [], "dirs": []}


def die_with_parent():
    """preexec_fn of a child: it gets SIGKILL if this test process dies first."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def make_work_dir(prefix):
    work = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    RUNNING["dirs"].append(work)
    return work


def stop_everything():
    while RUNNING["servers"]:
        RUNNING["servers"].pop().stop()
    while RUNNING["dirs"]:
        shutil.rmtree(RUNNING["dirs"].pop(), ignore_errors=True)


def main(doc, name):
    """Parses --indexer and --server into ARGS, runs the module's tests with
    the rest of the arguments, and stops whatever they started; the whole run
    stops by itself after GURU_PY_TIMEOUT_S (240 s), whatever hangs."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--indexer", required=True)
    parser.add_argument("--server", required=True)
    parsed, rest = parser.parse_known_args()
    ARGS.indexer, ARGS.server = parsed.indexer, parsed.server

    def timed_out(*_):
        print(f"{name}: timed out; stopping guru-server", file=sys.stderr, flush=True)
        try:
            stop_everything()
        finally:
            os._exit(124)

    signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(int(os.environ.get("GURU_PY_TIMEOUT_S", "240")))
    try:
        program = unittest.main(module="__main__", argv=[sys.argv[0], *rest], verbosity=2,
                                exit=False)
    finally:
        stop_everything()
    sys.exit(0 if program.result.wasSuccessful() else 1)
