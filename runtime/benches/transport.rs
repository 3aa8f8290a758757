//! Per-call cost of the client over HTTP: a normal client (reqwest, HTTP/1.1
//! keep-alive) calling a local server that answers every request with the
//! same small JSON, so what is measured is the client's own work per call —
//! building the request, the transport, decoding — plus loopback I/O.
//!
//! `cargo bench -p vsphere-vapi-runtime --bench transport` (add
//! `--features mock` to also time the in-memory mock server). Not a test: it
//! prints figures and checks nothing. Settings: `BENCH_CALLS` calls per
//! round (default 5000), `BENCH_ROUNDS` rounds (default 7); the median and
//! the best round are reported, in wall time and (on Linux) in CPU time of
//! the thread running client and server, which a busy machine disturbs less.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vsphere_vapi_runtime::{
    Client, HttpMethod, HttpRoute, OperationSpec, ParamBinding, ParamLocation, Protocol,
};

/// `com.vmware.vcenter.vm.power.get`: a GET with a path parameter and a
/// small structure as its result, the commonest shape of call.
static POWER_GET: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm.power",
    operation_id: "get",
    task: false,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/vm/{vm}/power",
        query: &[],
        params: &[ParamBinding {
            param: "vm",
            location: ParamLocation::Path("vm"),
        }],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
    idempotency: vsphere_vapi_runtime::Idempotency::None,
};

const BODY: &str = r#"{"state":"POWERED_OFF","clean_power_off":true}"#;

/// The decoded result; its fields are only read by the decoder.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Info {
    state: String,
    clean_power_off: Option<bool>,
}

/// Answers each request head on a connection with the same response, for
/// as long as the client keeps the connection open.
async fn serve(listener: TcpListener) {
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let response = response.clone();
        tokio::spawn(async move {
            let mut buffer = Vec::with_capacity(4096);
            let mut chunk = [0_u8; 4096];
            loop {
                let Ok(read) = stream.read(&mut chunk).await else {
                    return;
                };
                if read == 0 {
                    return;
                }
                buffer.extend_from_slice(&chunk[..read]);
                // GET requests have no body: one head, one response.
                while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    buffer.drain(..end + 4);
                    if stream.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

/// CPU time of this thread so far (Linux: `/proc/thread-self/schedstat`),
/// which, unlike wall time, does not count the time other processes on a
/// busy machine hold the CPU. Client and server both run on this thread.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Wall and CPU time of `calls` calls.
async fn round(client: &Client, calls: usize) -> (Duration, Option<Duration>) {
    let started = Instant::now();
    let cpu_started = cpu_time();
    for _ in 0..calls {
        let info: Info = client
            .operation(&POWER_GET)
            .param("vm", "vm-42")
            .send()
            .await
            .expect("the local server answers");
        std::hint::black_box(info);
    }
    let cpu = cpu_time()
        .zip(cpu_started)
        .map(|(now, before)| now.saturating_sub(before));
    (started.elapsed(), cpu)
}

/// Median and best of a list of per-call figures, sorted in place.
fn summary(figures: &mut [f64]) -> (f64, f64) {
    figures.sort_by(f64::total_cmp);
    (figures[figures.len() / 2], figures[0])
}

async fn measure(label: &str, client: &Client, calls: usize, rounds: usize) {
    round(client, calls / 5 + 1).await;
    let mut wall = Vec::with_capacity(rounds);
    let mut cpu = Vec::with_capacity(rounds);
    let per_call = |took: Duration| took.as_secs_f64() * 1e6 / calls as f64;
    for _ in 0..rounds {
        let (took, cpu_took) = round(client, calls).await;
        wall.push(per_call(took));
        cpu.extend(cpu_took.map(per_call));
    }
    let all: Vec<String> = wall.iter().map(|us| format!("{us:.1}")).collect();
    let (median, best) = summary(&mut wall);
    print!("{label}: wall median {median:.1} µs/call, best {best:.1}");
    if cpu.len() == rounds {
        let (median, best) = summary(&mut cpu);
        print!("; CPU median {median:.1} µs/call, best {best:.1}");
    }
    println!(
        " ({rounds} rounds of {calls} calls, wall: {})",
        all.join(" ")
    );
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|&value| value > 0)
        .unwrap_or(default)
}

fn main() {
    let calls = setting("BENCH_CALLS", 5000);
    let rounds = setting("BENCH_ROUNDS", 7);
    // One thread: client and server share it, as a worker of a
    // current-thread test runtime would; no scheduling noise between them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let address = listener.local_addr().expect("the local address");
        tokio::spawn(serve(listener));
        let client = Client::builder(format!("http://{address}"))
            .protocol(Protocol::Api)
            .build()
            .expect("a client")
            .with_session_token("bench-session");
        measure("HTTP (reqwest, loopback)", &client, calls, rounds).await;
        #[cfg(feature = "mock")]
        {
            let server = vsphere_vapi_runtime::mock::MockServer::new();
            server
                .on(vsphere_vapi_runtime::Operation::<serde_json::Value>::new(
                    &POWER_GET,
                ))
                .returns(serde_json::from_str(BODY).expect("JSON"));
            let client = server
                .client_builder()
                .protocol(Protocol::Api)
                .build()
                .expect("a client");
            measure("mock server (in memory)", &client, calls, rounds).await;
            // Calls are recorded; a long run would only measure that.
            server.clear_calls();
        }
    });
}
