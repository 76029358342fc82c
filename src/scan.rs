//! Parallel, ordered, bounded-memory processing of a stream of messages.
//!
//! A reader thread cuts the input into batches (by count and by bytes); each
//! batch becomes one task on a rayon pool; results are handed to the sink in
//! input order on the calling thread. The sink runs while the workers go on
//! with later batches, so writing overlaps classification. At most a fixed
//! number of batches is in flight (read, being mapped, or waiting to be
//! written), so memory stays flat whatever the size of the input, and the
//! output with one thread is byte-identical to the output with many.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, sync_channel};

/// How the pipeline runs.
#[derive(Clone, Copy, Debug)]
pub struct PipelineOptions {
    /// Worker threads (0: one per CPU).
    pub threads: usize,
    /// Most items in one batch handed to a worker.
    pub batch_size: usize,
    /// A batch is closed once the weights of its items (for messages: their
    /// bytes) reach this much.
    pub batch_bytes: usize,
    /// Extra batches allowed in flight beyond two per worker.
    pub read_ahead: usize,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            threads: 0,
            batch_size: 4096,
            batch_bytes: 512 << 10,
            read_ahead: 2,
        }
    }
}

/// Error building the worker pool.
#[derive(Debug, thiserror::Error)]
#[error("cannot start worker threads: {0}")]
pub struct PoolError(String);

impl From<PoolError> for std::io::Error {
    fn from(e: PoolError) -> Self {
        std::io::Error::other(e)
    }
}

/// Maps `map` over `input` in parallel and feeds the results to `sink` in
/// input order. Stops early, without losing ordering, when `sink` fails.
///
/// Every item weighs the same here: batches are cut by
/// [`PipelineOptions::batch_size`] only. See [`par_batches_ordered`] for
/// batches cut by size and mapped as a whole.
///
/// ```
/// let out = std::sync::Mutex::new(Vec::new());
/// fanzha::scan::par_map_ordered(0..10_000u32, &Default::default(), |x| x * 2, |y| {
///     out.lock().unwrap().push(y);
///     Ok::<(), std::io::Error>(())
/// }).unwrap();
/// assert_eq!(out.into_inner().unwrap(), (0..10_000u32).map(|x| x * 2).collect::<Vec<_>>());
/// ```
pub fn par_map_ordered<I, T, U, F, S, E>(
    input: I,
    opts: &PipelineOptions,
    map: F,
    mut sink: S,
) -> Result<(), E>
where
    I: Iterator<Item = T> + Send,
    T: Send,
    U: Send,
    F: Fn(T) -> U + Sync + Send,
    S: FnMut(U) -> Result<(), E>,
    E: From<PoolError>,
{
    let opts = PipelineOptions {
        batch_bytes: usize::MAX,
        ..*opts
    };
    par_batches_ordered(
        input,
        &opts,
        |_| 0,
        |batch: Vec<T>| batch.into_iter().map(&map).collect::<Vec<U>>(),
        |results| {
            for r in results {
                sink(r)?;
            }
            Ok(())
        },
    )
}

/// Cuts `input` into batches, maps each whole batch with `map_batch` on a
/// worker thread, and feeds the results to `sink` in input order.
///
/// A batch is closed when it holds [`PipelineOptions::batch_size`] items or
/// when the `weight`s of its items add up to [`PipelineOptions::batch_bytes`].
/// Mapping a whole batch lets the worker build one output buffer per batch
/// (e.g. serialized records), so the sink only has to write bytes.
///
/// Threads: `input` is iterated on a helper thread, `map_batch` runs on a
/// rayon pool of [`PipelineOptions::threads`] threads, `sink` runs on the
/// calling thread. At most `2 × threads + read_ahead` batches are in flight.
///
/// ```
/// let mut out = Vec::new();
/// fanzha::scan::par_batches_ordered(
///     ["a", "bb", "ccc"].into_iter(),
///     &fanzha::scan::PipelineOptions { batch_bytes: 2, ..Default::default() },
///     |s| s.len(),
///     |batch: Vec<&str>| batch.concat(),
///     |s| { out.push(s); Ok::<(), std::io::Error>(()) },
/// ).unwrap();
/// assert_eq!(out, ["abb", "ccc"]);
/// ```
pub fn par_batches_ordered<I, T, U, W, F, S, E>(
    input: I,
    opts: &PipelineOptions,
    weight: W,
    map_batch: F,
    mut sink: S,
) -> Result<(), E>
where
    I: Iterator<Item = T> + Send,
    T: Send,
    U: Send,
    W: Fn(&T) -> usize + Send,
    F: Fn(Vec<T>) -> U + Sync + Send,
    S: FnMut(U) -> Result<(), E>,
    E: From<PoolError>,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .thread_name(|i| format!("fanzha-worker-{i}"))
        .build()
        .map_err(|e| E::from(PoolError(e.to_string())))?;
    let batch_size = opts.batch_size.max(1);
    let batch_bytes = opts.batch_bytes.max(1);
    let max_in_flight = pool.current_num_threads() * 2 + opts.read_ahead;
    let map_batch = &map_batch;

    pool.in_place_scope(|rs| {
        std::thread::scope(|ts| {
            let (result_tx, result_rx) = channel::<(u64, U)>();
            // One token per batch in flight: the reader blocks when all are taken,
            // the writer gives one back after writing a batch.
            let (permit_tx, permit_rx) = sync_channel::<()>(max_in_flight);
            std::thread::Builder::new()
                .name("fanzha-reader".into())
                .spawn_scoped(ts, move || {
                    let mut seq = 0u64;
                    let mut submit = |batch: Vec<T>| -> bool {
                        if permit_tx.send(()).is_err() {
                            return false; // the writer stopped
                        }
                        let tx = result_tx.clone();
                        let n = seq;
                        seq += 1;
                        rs.spawn(move |_| {
                            let _ = tx.send((n, map_batch(batch)));
                        });
                        true
                    };
                    let mut batch = Vec::with_capacity(batch_size.min(1024));
                    let mut bytes = 0usize;
                    for item in input {
                        bytes = bytes.saturating_add(weight(&item));
                        batch.push(item);
                        if batch.len() >= batch_size || bytes >= batch_bytes {
                            let cap = batch.len();
                            if !submit(std::mem::replace(&mut batch, Vec::with_capacity(cap))) {
                                return;
                            }
                            bytes = 0;
                        }
                    }
                    if !batch.is_empty() {
                        submit(batch);
                    }
                })
                .map_err(|e| E::from(PoolError(e.to_string())))?;

            let mut next = 0u64;
            let mut pending: BTreeMap<u64, U> = BTreeMap::new();
            for (n, u) in result_rx {
                pending.insert(n, u);
                while let Some(u) = pending.remove(&next) {
                    next += 1;
                    let _ = permit_rx.recv();
                    sink(u)?;
                }
            }
            Ok(())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_kept_with_uneven_work_and_many_threads() {
        let opts = PipelineOptions {
            threads: 4,
            batch_size: 7,
            batch_bytes: usize::MAX,
            read_ahead: 1,
        };
        let mut out = Vec::new();
        par_map_ordered(
            0..5000u64,
            &opts,
            |x| {
                if x % 97 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                x * 3
            },
            |y| {
                out.push(y);
                Ok::<(), std::io::Error>(())
            },
        )
        .unwrap();
        assert_eq!(out, (0..5000u64).map(|x| x * 3).collect::<Vec<_>>());
    }

    #[test]
    fn batches_are_cut_by_weight() {
        let mut sizes = Vec::new();
        par_batches_ordered(
            std::iter::repeat_n(10usize, 100),
            &PipelineOptions {
                threads: 2,
                batch_bytes: 100,
                ..Default::default()
            },
            |w| *w,
            |b: Vec<usize>| b.len(),
            |n| {
                sizes.push(n);
                Ok::<(), std::io::Error>(())
            },
        )
        .unwrap();
        assert_eq!(sizes, vec![10; 10]);
    }

    #[test]
    fn a_failing_sink_stops_the_pipeline() {
        let mut seen = 0;
        let r = par_map_ordered(
            0..1_000_000u32,
            &PipelineOptions {
                threads: 2,
                batch_size: 10,
                ..Default::default()
            },
            |x| x,
            |_| {
                seen += 1;
                if seen == 25 {
                    Err(std::io::Error::other("stop"))
                } else {
                    Ok(())
                }
            },
        );
        assert!(r.is_err());
        assert_eq!(seen, 25);
    }
}
