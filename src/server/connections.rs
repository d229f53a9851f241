//! The server's connections: how many may be open, how long one may take to send a
//! request's headers or sit idle between requests, and how long a write to a client that
//! stopped reading may stall.
//!
//! Each connection is served by hyper's HTTP/1.1 connection builder with a timer, so its
//! header-read timeout runs from the moment the connection waits for a request: a client
//! that sends its headers a byte at a time (slowloris) or keeps an idle keep-alive
//! connection open is closed after [`Limits::header_timeout`]. A connection beyond
//! [`Limits::max_connections`] waits in turn for one to close, at most as many waiting as
//! may be open and each for at most the header timeout (by which time an idle connection
//! has been closed); one that cannot wait, or waited that long, is answered 503 with
//! `Retry-After` and closed (at most [`MAX_REFUSING`] at a time are answered; more are
//! closed at once). So the process never holds more descriptors and buffers than the limits
//! allow, and a client is served or told to come back. A write that stays blocked for
//! [`Limits::write_timeout`] (a client that reads nothing of its answer) closes the
//! connection; that frees what the answer held (an export's thread, its buffers).

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::{Json, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

/// Connections beyond the limit answered "busy" at a time; more are closed unanswered.
pub const MAX_REFUSING: usize = 64;

/// How long a connection beyond the limit may take to send its request before it is closed.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(2);

/// Bytes hyper may buffer per connection (a request's head must fit: the query string is
/// capped at 8 KB); with the connection limit this bounds what connections hold.
pub const MAX_BUFFER_BYTES: usize = 32 * 1024;

/// The limits connections are served under.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Most connections open at once.
    pub max_connections: usize,
    /// Longest a connection may take to send a request's headers, counted from when it
    /// starts waiting for one (so also the longest an idle keep-alive connection is kept).
    pub header_timeout: Duration,
    /// Longest a write to the client may stay blocked.
    pub write_timeout: Duration,
}

/// Accepts connections on `listener` and serves each with `app` under `limits`, counting
/// open connections in `open` (a semaphore of `limits.max_connections` permits), until
/// `shutdown` completes; then lets the open connections finish their requests and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    open: Arc<Semaphore>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let waiting = Arc::new(Semaphore::new(limits.max_connections));
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    let busy = busy_app(limits.max_connections);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors, or a connection reset before it was accepted: the
                // listener stays good, so wait a moment (descriptors free up as idle
                // connections time out) and go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        match open.clone().try_acquire_owned() {
            Ok(permit) => {
                tokio::spawn(serve_one(
                    stream,
                    app.clone(),
                    limits,
                    stopping.clone(),
                    permit,
                ));
            }
            Err(_) => {
                if let Ok(waiter) = waiting.clone().try_acquire_owned() {
                    tokio::spawn(wait_then_serve(
                        stream,
                        app.clone(),
                        busy.clone(),
                        limits,
                        stopping.clone(),
                        open.clone(),
                        waiter,
                    ));
                } else if let Ok(permit) = refusing.clone().try_acquire_owned() {
                    tokio::spawn(refuse(stream, busy.clone(), permit));
                }
            }
        }
    }
    let _ = stop.send(true);
    // Every open connection holds a permit until it is closed.
    let _ = open.acquire_many(limits.max_connections as u32).await;
    Ok(())
}

/// Serves one connection until the client closes it, a timeout closes it, or the server
/// stops (then the request under way is finished first).
async fn serve_one(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
    _open: OwnedSemaphorePermit,
) {
    let io = TokioIo::new(WriteTimeout::new(stream, limits.write_timeout));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_BUFFER_BYTES)
        .keep_alive(true);
    let connection = builder.serve_connection(io, TowerToHyperService::new(app));
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = stopping.wait_for(|stop| *stop) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// Serves a connection beyond the limit once another closes, or answers it busy when none
/// has within the header timeout.
async fn wait_then_serve(
    stream: TcpStream,
    app: Router,
    busy: Router,
    limits: Limits,
    stopping: watch::Receiver<bool>,
    open: Arc<Semaphore>,
    waiter: OwnedSemaphorePermit,
) {
    match tokio::time::timeout(limits.header_timeout, open.acquire_owned()).await {
        Ok(Ok(permit)) => {
            drop(waiter);
            serve_one(stream, app, limits, stopping, permit).await;
        }
        _ => refuse(stream, busy, waiter).await,
    }
}

/// Answers a connection beyond the limit with the 503 of `busy`, then closes it.
async fn refuse(stream: TcpStream, busy: Router, _refusing: OwnedSemaphorePermit) {
    let io = TokioIo::new(WriteTimeout::new(stream, REFUSAL_TIMEOUT));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(REFUSAL_TIMEOUT)
        .max_buf_size(MAX_BUFFER_BYTES)
        .keep_alive(false);
    let connection = builder.serve_connection(io, TowerToHyperService::new(busy));
    let _ = tokio::time::timeout(2 * REFUSAL_TIMEOUT, connection).await;
}

/// The answer to every request on a connection beyond the limit.
fn busy_app(limit: usize) -> Router {
    Router::new().fallback(move || async move {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "1")],
            Json(serde_json::json!({
                "error": format!(
                    "the server has {limit} connections open, as many as it takes (fynd serve --max-connections): try again in a moment"
                )
            })),
        )
            .into_response()
    })
}

/// A stream whose writes fail with [`io::ErrorKind::TimedOut`] once one has stayed blocked
/// for the timeout (the client's receive window full: it reads nothing). Reads pass through:
/// hyper times the reading of a request's head itself.
pub struct WriteTimeout<S> {
    inner: S,
    timeout: Duration,
    /// Running while a write is blocked; dropped when one goes through.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> WriteTimeout<S> {
    /// `inner` with writes bounded by `timeout`.
    pub fn new(inner: S, timeout: Duration) -> WriteTimeout<S> {
        WriteTimeout {
            inner,
            timeout,
            stalled: None,
        }
    }

    /// What a write that returned `polled` gives: its result when it went through (the
    /// stall clock stopped), else pending until the stall has lasted the timeout.
    fn bounded<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.stalled = None;
            return polled;
        }
        let timeout = self.timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client read nothing of the answer for the write timeout",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteTimeout<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.bounded(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.bounded(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_flush(cx);
        this.bounded(cx, polled)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.bounded(cx, polled)
    }
}
