"""The trainer ends when the tlc that launched it is gone.

`tlc run --engine torch` sets TLC_PARENT_PID to its own pid; a SIGKILLed tlc (the OOM killer, a
kill -9) runs no exit handler, and its trainer would otherwise keep training into the run folder
with nobody to read it. A trainer started by tlc itself asks Linux for SIGKILL when its parent
dies (prctl PR_SET_PDEATHSIG); every process (torch.distributed.run's workers too, whose parent
is the launcher) also polls the tlc process twice a second and exits when it is gone. Without
TLC_PARENT_PID (an emitted job under torchrun on a cluster) this does nothing.
"""
import ctypes
import os
import signal
import sys
import threading
import time

ENV = "TLC_PARENT_PID"
PR_SET_PDEATHSIG = 1


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        # A killed process stays a zombie until its parent reaps it: dead all the same.
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def watch_parent():
    value = os.environ.get(ENV)
    if not value:
        return
    pid = int(value)
    if os.getppid() == pid and sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    # The parent may have died before prctl took effect; the poll covers that and the workers.
    if not _alive(pid):
        os._exit(1)

    def poll():
        while _alive(pid):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=poll, name="tlc-parent-watch", daemon=True).start()
