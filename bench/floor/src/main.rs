//! `floor URL N JOBS HEADER...`: POST `{}` to URL N times, JOBS in flight, on a
//! current_thread runtime with the reqwest client set up as fcall's transport sets it up,
//! reading each body whole and doing nothing else. Prints requests per second.

use futures_util::stream::{FuturesUnordered, StreamExt};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: floor URL N JOBS [Name:value...]";
    let url = reqwest::Url::parse(&args.next().ok_or(usage)?)?;
    let n: usize = args.next().ok_or(usage)?.parse()?;
    let jobs: usize = args.next().ok_or(usage)?.parse()?;
    let headers: Vec<(String, String)> = args
        .filter_map(|h| {
            let (k, v) = h.split_once(':')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(900))
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .build()?;
        let started = std::time::Instant::now();
        let mut running = FuturesUnordered::new();
        let (mut sent, mut done) = (0, 0);
        while done < n {
            while sent < n && running.len() < jobs {
                let mut rb = client.post(url.clone());
                for (k, v) in &headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
                running.push(async move { rb.body(b"{}".to_vec()).send().await?.bytes().await });
                sent += 1;
            }
            if let Some(r) = running.next().await {
                r?;
                done += 1;
            }
        }
        println!("{:.0}", n as f64 / started.elapsed().as_secs_f64());
        Ok(())
    })
}
