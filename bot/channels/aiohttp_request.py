"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

Why: profiling a webhook worker showed about two thirds of its CPU in PTB's default
``HTTPXRequest`` (httpcore scanning its pool and retrying ``import sniffio`` on every lock),
for the one or two Bot API calls each update needs. aiohttp is already Haven's web server, and
its client costs far less per request. PTB still maps HTTP statuses to its errors (429 to
``RetryAfter``, 400 to ``BadRequest``, ...) in ``BaseRequest``; this class only moves bytes.

The request URL carries the bot token, so it is never logged and never appears in an
exception message: aiohttp's own errors can quote the URL, so their text is redacted and they
are not chained as causes.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
from telegram._utils.defaultvalue import DefaultValue  # private, as HTTPXRequest uses them:
from telegram._utils.types import ODVInput  # the types of PTB's "timeout not passed"
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# aiohttp escapes quotes and backslashes in unquoted file names but not line breaks, which
# would end the part's header; like httpx (HTML5 form encoding), they become %XX.
_CONTROL_CHARS = {code: f"%{code:02X}" for code in range(0x20) if code != 0x1B}


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one shared ``aiohttp.ClientSession`` per instance.

    Timeouts mean what they mean for ``HTTPXRequest`` and have the same defaults; a timeout not
    passed to a call (``DEFAULT_NONE``) takes the value given here, and ``None`` waits forever.
    ``read_timeout`` bounds each wait for data from the server, so a long poll passes a larger
    one per call (PTB adds the ``getUpdates`` timeout to it). ``pool_timeout`` bounds the wait
    for one of the ``connection_pool_size`` slots; past it the request is not sent at all.
    aiohttp has no timeout for a single write: ``write_timeout`` and ``media_write_timeout``
    are accepted for PTB's interface but not enforced.
    """

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_read_timeout",
        "_session",
        "_shut_down",
        "_slots",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._proxies: dict[tuple[str, str], str | None] = {}  # (scheme, host) -> proxy URL
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._shut_down = False
        # Held for a whole request, so waiting for a free connection has its own timeout
        # (aiohttp's connect timeout would count the wait and the TCP/TLS handshake as one).
        self._slots = asyncio.Semaphore(connection_pool_size)

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call passes none (PTB adds long polling to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session and its connection pool, inside the running event loop."""
        self._shut_down = False
        if self._session is None or self._session.closed:
            self._session = self._new_session()

    async def shutdown(self) -> None:
        """Close the session and every pooled connection; later requests fail until initialize."""
        self._shut_down = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def _new_session(self) -> aiohttp.ClientSession:
        self._slots = asyncio.Semaphore(self._pool_size)  # bound to this loop once contended
        connector = aiohttp.TCPConnector(limit=self._pool_size)
        return aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout(self._read_timeout, self._connect_timeout),
            headers={"User-Agent": self.USER_AGENT},
            # Proxies come from the environment as with httpx, but are looked up once per host
            # (_proxy_for): aiohttp's trust_env reads ~/.netrc in a thread on every request.
            raise_for_status=False,
        )

    def _proxy_for(self, url: str) -> str | None:
        """The proxy HTTPS_PROXY / HTTP_PROXY / ALL_PROXY name for this URL's host, unless
        NO_PROXY exempts it; read from the environment once per scheme and host."""
        try:
            parts = urlsplit(url)
            place = (parts.scheme, parts.hostname or "")
        except ValueError:  # a malformed URL: aiohttp refuses it with its own error
            return None
        if place not in self._proxies:
            proxies = getproxies()
            bypass = proxy_bypass(place[1]) if place[1] else True
            self._proxies[place] = None if bypass else proxies.get(place[0]) or proxies.get("all")
        return self._proxies[place]

    @staticmethod
    def _timeout(read: float | None, connect: float | None) -> aiohttp.ClientTimeout:
        # No total: a long poll or a slow download may take long as long as data keeps coming.
        return aiohttp.ClientTimeout(total=None, connect=connect, sock_connect=connect, sock_read=read)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; return ``(HTTP status, body)``. See ``BaseRequest.do_request``."""
        if self._shut_down:
            raise RuntimeError("This AiohttpRequest is shut down; call initialize() first")
        if self._session is None or self._session.closed:
            self._session = self._new_session()  # first use without initialize()

        # Not passed (DEFAULT_NONE): the value given to the constructor, as in HTTPXRequest.
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = self._timeout(read, connect)

        body: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            fields = request_data.json_parameters
            if request_data.contains_files:
                # Unquoted UTF-8 names, as httpx sends them (quoting would show "%D0%94..." as the name).
                form = aiohttp.FormData(quote_fields=False)
                for name, value in fields.items():
                    form.add_field(name, value)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename.translate(_CONTROL_CHARS), content_type=mimetype)
                body = form
            elif fields:
                body = fields  # application/x-www-form-urlencoded, as HTTPXRequest sends it

        slots = self._slots  # released to the same semaphore even if a new session replaced it
        if slots.locked():
            try:
                async with asyncio.timeout(pool):
                    await slots.acquire()
            except TimeoutError:
                raise TimedOut(
                    f"Pool timeout: no free connection of {self._pool_size} within {pool}s; the request was not sent"
                ) from None
        else:
            await slots.acquire()  # free: returns at once, no timer to arm
        try:
            async with self._session.request(
                method, url, data=body, timeout=timeout, allow_redirects=False, proxy=self._proxy_for(url),
            ) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise TimedOut(_described("Timed out", err, url)) from None
        except (aiohttp.ClientError, OSError) as err:
            raise NetworkError(_described("Network error", err, url)) from None
        finally:
            slots.release()


def _described(what: str, err: BaseException, url: str) -> str:
    """``what: aiohttp.<Error>: <text>`` with the URL (and so the token) taken out of the text."""
    text = str(err)
    # /bot<token>/<method>: aiohttp may quote the URL or its path alone. Found by hand, because
    # urllib's parser raises on the malformed URLs whose errors need this most.
    host_at = url.find("://")
    path_at = url.find("/", host_at + 3 if host_at >= 0 else 0)
    path = url[path_at:] if path_at >= 0 else ""
    for secret in (url, path):
        if len(secret) > 1:
            text = text.replace(secret, "<url>")
    for segment in path.split("/"):
        if ":" in segment:  # the token, "<bot id>:<secret>", however else it is quoted
            text = text.replace(segment, "<token>").replace(segment.removeprefix("bot"), "<token>")
    name = f"{type(err).__module__.split('.')[0]}.{type(err).__name__}"
    return f"{what}: {name}: {text}" if text else f"{what}: {name}"
