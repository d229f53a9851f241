//! A plain HTTP/1.1 client for the server tests: one request per connection, the whole
//! answer read, a chunked body decoded (and told apart from one cut short).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One HTTP answer.
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers, as sent.
    pub headers: Vec<(String, String)>,
    /// The body (a chunked one decoded).
    pub body: String,
    /// Whether a chunked body ended with its last (empty) chunk: false when the server
    /// closed the connection part-way.
    pub complete: bool,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `method path` with `Host: {addr}` and the `headers` given (`Connection: close`)
/// and reads the whole answer.
pub fn request_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\nContent-Length: 0\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    // A connection the server cut short may end in a reset: keep what came.
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

/// Reads an answer from its raw bytes.
pub fn parse(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let mut complete = true;
    if chunked {
        complete = false;
        let mut decoded = Vec::new();
        let mut rest = &body[..];
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let Ok(size) = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap(), 16)
            else {
                break;
            };
            if size == 0 {
                complete = true;
                break;
            }
            let Some(chunk) = rest.get(eol + 2..eol + 2 + size) else {
                decoded.extend_from_slice(&rest[eol + 2..]);
                break;
            };
            decoded.extend_from_slice(chunk);
            rest = rest.get(eol + 2 + size + 2..).unwrap_or_default();
        }
        body = decoded;
    }
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        complete,
    }
}

/// `method path` with no extra headers.
pub fn request(addr: SocketAddr, method: &str, path: &str) -> Answer {
    request_with(addr, method, path, &[])
}

/// `GET path`.
pub fn get(addr: SocketAddr, path: &str) -> Answer {
    request(addr, "GET", path)
}
