"""SANE scanners through the `scanimage` command (sane-utils), run as a subprocess.

- `list_devices()` — `scanimage -L` with a machine-readable format.
- `device_options(name)` — modes, sources, resolutions and bed size parsed from `scanimage -A`, so
  one request maps onto each driver's own option names ("Gray"/"Grey", "ADF"/"Automatic Document
  Feeder", …).
- `ScanSession` — one flatbed page or an ADF batch in `--batch` mode: scanimage writes each page to
  `pNNNN.pnm.part` and renames it when complete; `--batch-print` tells us the name, so pages are
  handed over one at a time (never the whole batch in memory) while the feeder keeps going.
  Progress comes from `-p` on stderr; `cancel()` sends SIGINT (scanimage calls sane_cancel), then
  SIGKILL after a bounded wait.
- Errors (no device, jam, cover open, busy, empty feeder, I/O) become `ScannerError` with a clear
  Vietnamese + English message and a machine-readable `kind`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.errors import BadInput, Interrupted, NotAvailable

LIST_TIMEOUT_S = 30.0
CANCEL_GRACE_S = 5.0
IDLE_TIMEOUT_S = 120.0  # no progress line and no page for this long: the device hangs
# the driver reported an error (feeder empty, jam…) but scanimage does not exit: some backends hang
# in their cancel after an error; the officer gets the error instead of waiting for the idle timeout
ERROR_EXIT_GRACE_S = 5.0
A4_MM = (210.0, 297.0)


class ScannerError(NotAvailable):
    """A scanner problem the officer can act on; `kind` says which."""

    def __init__(self, kind: str, message: str, *, pages_done: int = 0) -> None:
        super().__init__(message)
        self.kind = kind
        self.pages_done = pages_done


class ScanCancelled(Interrupted):
    def __init__(self, pages_done: int = 0) -> None:
        super().__init__("đã hủy quét / scan cancelled")
        self.kind = "cancelled"
        self.pages_done = pages_done


# SANE status text (sane_strstatus) → (kind, message)
_STATUS = [
    ("Document feeder jammed", "jammed",
     "Kẹt giấy trong khay nạp: gỡ giấy kẹt rồi quét lại / paper jam in the document feeder"),
    ("Document feeder out of documents", "no_docs",
     "Khay nạp giấy trống: đặt giấy vào khay / the document feeder is empty"),
    ("Scanner cover is open", "cover_open",
     "Nắp máy quét đang mở: đóng nắp rồi quét lại / the scanner cover is open"),
    ("Device busy", "busy",
     "Máy quét đang bận (chương trình khác đang dùng) / the scanner is busy"),
    ("Error during device I/O", "io_error",
     "Lỗi truyền dữ liệu với máy quét: kiểm tra cáp và nguồn / scanner I/O error"),
    ("Access to resource has been denied", "denied",
     "Không có quyền dùng máy quét / access to the scanner was denied"),
    ("Out of memory", "no_mem", "Máy quét hết bộ nhớ / the scanner ran out of memory"),
    ("Operation was cancelled", "cancelled", "Đã hủy quét / scan cancelled"),
    ("Operation not supported", "unsupported",
     "Máy quét không hỗ trợ thao tác này / operation not supported by the scanner"),
]
# scanimage exits with the SANE status code when a read fails.
_EXIT_KIND = {2: "cancelled", 3: "busy", 6: "jammed", 7: "no_docs", 8: "cover_open",
              9: "io_error", 10: "no_mem", 11: "denied"}


@dataclass(frozen=True)
class ScannerDevice:
    name: str
    vendor: str
    model: str
    type: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "vendor": self.vendor, "model": self.model, "type": self.type}


@dataclass
class DeviceOptions:
    modes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    resolutions: list[int] = field(default_factory=list)  # discrete values, or empty
    resolution_range: tuple[int, int] | None = None
    max_width_mm: float | None = None
    max_height_mm: float | None = None

    def pick_mode(self, mode: str) -> str | None:
        """The device's name for gray/color, or None if it has no mode option."""
        wanted = {
            "gray": ("gray", "grey", "grayscale", "true gray", "8bit gray", "gray8"),
            "color": ("color", "colour", "24bit color", "rgb", "color24"),
            "lineart": ("lineart", "binary", "black & white", "black and white"),
        }[mode]
        for m in self.modes:
            if m.lower() in wanted:
                return m
        for m in self.modes:
            low = m.lower()
            if any(w in low for w in wanted):
                return m
        if not self.modes:
            return None
        if mode == "lineart":
            return self.pick_mode("gray")
        raise ScannerError(
            "unsupported",
            f"máy quét không có chế độ {mode} / the scanner has no {mode} mode "
            f"(available: {', '.join(self.modes)})",
        )

    def pick_source(self, source: str) -> str | None:
        if not self.sources:
            if source == "flatbed":
                return None
            raise ScannerError(
                "no_adf", "máy quét không có khay nạp giấy / the scanner has no document feeder"
            )
        for s in self.sources:
            low = s.lower()
            is_adf = "adf" in low or "feeder" in low or "duplex" in low
            if source == "flatbed" and not is_adf:
                return s
            if source == "adf" and is_adf and "duplex" not in low:
                return s
            if source == "adf-duplex" and "duplex" in low:
                return s
        raise ScannerError(
            "no_adf" if source != "flatbed" else "unsupported",
            f"máy quét không có nguồn giấy '{source}' / the scanner has no '{source}' source "
            f"(available: {', '.join(self.sources)})",
        )

    def pick_resolution(self, dpi: int) -> int:
        if self.resolutions:
            return min(self.resolutions, key=lambda r: (abs(r - dpi), -r))
        if self.resolution_range:
            lo, hi = self.resolution_range
            return max(lo, min(hi, dpi))
        return dpi

    def page_size_mm(self) -> tuple[float, float]:
        w, h = A4_MM
        if self.max_width_mm:
            w = min(w, self.max_width_mm)
        if self.max_height_mm:
            h = min(h, self.max_height_mm)
        return w, h


def scanimage_path() -> str:
    exe = shutil.which("scanimage")
    if exe is None:
        raise ScannerError(
            "no_sane",
            "không tìm thấy chương trình scanimage (cài gói sane-utils) / scanimage not found: "
            "install sane-utils, or use the watched scan folder",
        )
    return exe


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C")  # stable English status messages to parse
    return env


def list_devices(*, timeout: float = LIST_TIMEOUT_S) -> list[ScannerDevice]:
    """Scanners SANE can see now (network discovery can take seconds; bounded by `timeout`)."""
    exe = scanimage_path()
    try:
        proc = subprocess.run(
            [exe, "-f", "%d\t%v\t%m\t%t%n", "-L"],
            capture_output=True, text=True, timeout=timeout, env=_env(), check=False,
        )
    except subprocess.TimeoutExpired:
        raise ScannerError(
            "timeout", "tìm máy quét quá lâu / listing scanners timed out"
        ) from None
    devices = []
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0]:
            devices.append(ScannerDevice(*(p.strip() for p in parts)))
    return devices


_OPT_LINE = re.compile(r"^\s+(--?[\w-]+)\s+(.*?)(?:\s+\[(.*)\])?\s*$")


def device_options(name: str, *, timeout: float = LIST_TIMEOUT_S) -> DeviceOptions:
    """Parse the option list of `scanimage -d NAME -A`."""
    exe = scanimage_path()
    try:
        proc = subprocess.run(
            [exe, "-d", name, "-A"],
            capture_output=True, text=True, timeout=timeout, env=_env(), check=False,
        )
    except subprocess.TimeoutExpired:
        raise ScannerError("timeout", f"máy quét {name} không trả lời / {name} timed out") from None
    if proc.returncode != 0:
        raise _error_from(proc.stderr, proc.returncode, device=name)
    return parse_options(proc.stdout)


def parse_options(text: str) -> DeviceOptions:
    opts = DeviceOptions()
    for line in text.splitlines():
        m = _OPT_LINE.match(line)
        if not m:
            continue
        flag, spec, _current = m.groups()
        spec = spec.strip()
        if flag == "--mode":
            opts.modes = [s.strip() for s in spec.split("|") if s.strip()]
        elif flag == "--source":
            opts.sources = [s.strip() for s in spec.split("|") if s.strip()]
        elif flag == "--resolution":
            spec = re.sub(r"dpi.*$", "", spec)
            rng = re.match(r"^(\d+)\.\.(\d+)", spec)
            if rng:
                opts.resolution_range = (int(rng.group(1)), int(rng.group(2)))
            else:
                opts.resolutions = sorted(
                    int(float(v)) for v in spec.split("|") if re.match(r"^\d+(\.\d+)?$", v)
                )
        elif flag in ("-x", "-y"):
            rng = re.match(r"^[\d.]+\.\.([\d.]+)mm", spec)
            if rng:
                value = float(rng.group(1))
                if flag == "-x":
                    opts.max_width_mm = value
                else:
                    opts.max_height_mm = value
    return opts


def _error_from(stderr: str, returncode: int, *, device: str | None = None,
                pages_done: int = 0) -> ScannerError:
    for text, kind, message in _STATUS:
        if text in stderr:
            return ScannerError(kind, message, pages_done=pages_done)
    if "no SANE devices found" in stderr:
        return ScannerError(
            "no_device",
            "không tìm thấy máy quét nào: kiểm tra cáp, nguồn và trình điều khiển / "
            "no scanner found",
            pages_done=pages_done,
        )
    if "open of device" in stderr:
        return ScannerError(
            "no_device",
            f"không mở được máy quét '{device}': đã tắt, rút cáp hoặc sai tên / "
            f"cannot open scanner '{device}' (switched off, unplugged or wrong name)",
            pages_done=pages_done,
        )
    kind = _EXIT_KIND.get(returncode)
    if kind:
        for _text, k, message in _STATUS:
            if k == kind:
                return ScannerError(kind, message, pages_done=pages_done)
    last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {returncode}"
    return ScannerError("failed", f"quét không thành công / scan failed: {last}",
                        pages_done=pages_done)


@dataclass
class ScanRequest:
    device: str | None = None  # None: the first device SANE lists
    source: str = "flatbed"  # flatbed | adf | adf-duplex
    resolution: int = 200
    mode: str = "gray"  # gray | color | lineart (lineart scans gray, thresholded later)
    max_pages: int = 200  # an ADF batch stops here
    backend_args: list[str] = field(default_factory=list)  # extra driver options, e.g. test:0's

    def __post_init__(self) -> None:
        if self.source not in ("flatbed", "adf", "adf-duplex"):
            raise BadInput(f"nguồn giấy không hợp lệ / unknown source '{self.source}' "
                           "(flatbed, adf, adf-duplex)", field="source")
        if self.mode not in ("gray", "color", "lineart"):
            raise BadInput(f"chế độ quét không hợp lệ / unknown mode '{self.mode}' "
                           "(gray, color, lineart)", field="mode")
        if not 50 <= self.resolution <= 1200:
            raise BadInput("độ phân giải phải từ 50 đến 1200 dpi / resolution must be 50–1200 dpi",
                           field="resolution")
        for i, arg in enumerate(self.backend_args):
            if (i == 0 and not arg.startswith("-")) or "\n" in arg or "\0" in arg:
                raise BadInput(f"tùy chọn máy quét không hợp lệ / bad scanner option {arg!r}",
                               field="backend_args")


@dataclass
class ScanProgress:
    page: int  # 1-based page being scanned
    percent: float  # of that page
    pages_done: int


def _pdeathsig() -> Callable[[], None] | None:
    """On Linux, let the kernel stop scanimage if we are killed (no orphan writing pages)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None

    def _set() -> None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return _set


_PROGRESS = re.compile(rb"Progress: ([\d.]+)%")
_SCANNING = re.compile(rb"Scanning page (\d+)")
_DRIVER_ERROR = re.compile(rb"sane_(?:start|read): ")


class ScanSession:
    """One scanimage run. Iterate `pages()` to receive each finished page file, in order."""

    def __init__(
        self,
        request: ScanRequest,
        workdir: Path,
        *,
        on_progress: Callable[[ScanProgress], None] | None = None,
        options: DeviceOptions | None = None,
        idle_timeout: float = IDLE_TIMEOUT_S,
        error_exit_grace: float = ERROR_EXIT_GRACE_S,
    ) -> None:
        self.request = request
        self.idle_timeout = idle_timeout
        self.error_exit_grace = error_exit_grace
        self._last_activity = 0.0
        self._error_seen_at: float | None = None  # when the driver printed an error
        self._timed_out = False
        self.workdir = Path(workdir)
        self.on_progress = on_progress
        self._options = options
        self._proc: subprocess.Popen[bytes] | None = None
        self._cancelled = threading.Event()
        self._stderr = bytearray()
        self._lock = threading.Lock()
        self.pages_done = 0
        self.device: str | None = request.device

    @property
    def resolution(self) -> int | None:
        """The resolution actually requested from the device (after its own constraints)."""
        if self._options is None:
            return None
        return self._options.pick_resolution(self.request.resolution)

    # --- command line ---------------------------------------------------------------------------

    def command(self) -> list[str]:
        req = self.request
        exe = scanimage_path()
        if self.device is None:
            devices = list_devices()
            if not devices:
                raise _error_from("no SANE devices found", 1)
            self.device = devices[0].name
        opts = self._options or device_options(self.device)
        self._options = opts
        cmd = [exe, "-d", self.device, "--format=pnm", "-p", "--batch-print",
               f"--batch={self.workdir / 'p%04d.pnm'}"]
        mode = opts.pick_mode("gray" if req.mode == "lineart" else req.mode)
        if mode:
            cmd.append(f"--mode={mode}")
        source = opts.pick_source(req.source)
        if source:
            cmd.append(f"--source={source}")
        cmd.append(f"--resolution={opts.pick_resolution(req.resolution)}")
        width, height = opts.page_size_mm()
        if opts.max_width_mm:
            cmd += ["-l", "0", "-x", f"{width:g}"]
        if opts.max_height_mm:
            cmd += ["-t", "0", "-y", f"{height:g}"]
        count = 1 if req.source == "flatbed" else req.max_pages
        cmd.append(f"--batch-count={count}")
        cmd += req.backend_args
        return cmd

    # --- running --------------------------------------------------------------------------------

    def pages(self) -> Iterator[Path]:
        """Start scanimage and yield each complete page file; raise on a scanner error."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        cmd = self.command()
        if self._cancelled.is_set():
            raise ScanCancelled(0)
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=_env(), preexec_fn=_pdeathsig(),  # preexec: only a prctl call, thread-safe
        )
        self._last_activity = time.monotonic()
        reader = threading.Thread(target=self._read_stderr, name="scanimage-stderr", daemon=True)
        reader.start()
        watchdog = threading.Thread(target=self._watchdog, name="scanimage-watchdog", daemon=True)
        watchdog.start()
        assert self._proc.stdout is not None
        try:
            for raw in self._proc.stdout:
                name = raw.decode(errors="replace").strip()
                if not name:
                    continue
                path = Path(name)
                if not path.is_absolute():
                    path = self.workdir / path
                if not path.is_file():
                    continue
                self._last_activity = time.monotonic()
                self.pages_done += 1
                self._report(self.pages_done + 1, 0.0)
                yield path
                if self._cancelled.is_set():
                    break
        finally:
            if self._proc.poll() is None and (self._cancelled.is_set() or sys.exc_info()[0]):
                self._stop()
            try:
                rc = self._proc.wait(timeout=CANCEL_GRACE_S * 4)
            except subprocess.TimeoutExpired:
                self._stop()
                rc = self._proc.wait()
            reader.join(timeout=CANCEL_GRACE_S)
        if self._timed_out:
            raise ScannerError(
                "timeout",
                f"máy quét không phản hồi sau {self.idle_timeout:.0f} giây: tắt/bật lại máy quét "
                f"/ the scanner stopped responding for {self.idle_timeout:.0f} s",
                pages_done=self.pages_done,
            )
        if self._cancelled.is_set():
            raise ScanCancelled(self.pages_done)
        stderr = self._stderr.decode(errors="replace")
        if rc != 0 or (self.pages_done == 0 and "out of documents" in stderr):
            err = _error_from(stderr, rc, device=self.device, pages_done=self.pages_done)
            if err.kind == "no_docs" and self.pages_done > 0:
                return  # the feeder ran out after some pages: the normal end of a batch
            raise err

    def _watchdog(self) -> None:
        proc = self._proc
        step = min(0.2, self.idle_timeout / 4, self.error_exit_grace / 4)
        while proc is not None and proc.poll() is None:
            now = time.monotonic()
            seen = self._error_seen_at
            if seen is not None and now - seen > self.error_exit_grace:
                # the error is already in stderr: stop the stuck driver, report that error
                self._stop()
                return
            if now - self._last_activity > self.idle_timeout:
                self._timed_out = True
                self._cancelled.set()
                self._stop()
                return
            time.sleep(step)

    def _read_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        fd = self._proc.stderr.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            self._last_activity = time.monotonic()
            if self._error_seen_at is None and _DRIVER_ERROR.search(chunk):
                self._error_seen_at = self._last_activity
            with self._lock:
                self._stderr += chunk
                if len(self._stderr) > 65536:  # progress lines pile up: keep the tail
                    del self._stderr[:-32768]
            page = None
            for m in _SCANNING.finditer(chunk):
                page = int(m.group(1))
            percents = _PROGRESS.findall(chunk)
            if page is not None or percents:
                self._report(page or self.pages_done + 1,
                             float(percents[-1]) if percents else 0.0)

    def _report(self, page: int, percent: float) -> None:
        if self.on_progress is not None:
            try:
                self.on_progress(ScanProgress(page=page, percent=percent,
                                              pages_done=self.pages_done))
            except Exception:  # noqa: BLE001 - a UI callback must not break the scan
                pass

    def cancel(self) -> None:
        """Ask scanimage to stop (thread-safe; the page iterator then raises ScanCancelled)."""
        self._cancelled.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                proc.send_signal(signal.SIGINT)
            except (ProcessLookupError, OSError):
                pass
            # a driver that ignores the interrupt (busy feeder, slow backend) is stopped anyway,
            # so Esc takes effect within seconds
            timer = threading.Timer(CANCEL_GRACE_S, self._kill_if_running, args=(proc,))
            timer.daemon = True
            timer.start()

    @staticmethod
    def _kill_if_running(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            try:
                proc.kill()
            except (ProcessLookupError, OSError):
                pass

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _stop(self) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        try:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=CANCEL_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=CANCEL_GRACE_S)
        except (ProcessLookupError, OSError):
            pass
