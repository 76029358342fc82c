//! Parallel, ordered, bounded-memory processing of a stream of messages.
//!
//! A reader thread cuts the input into batches; a rayon pool classifies
//! each batch; results come out in input order. At most a few batches are
//! in flight, so memory stays flat whatever the size of the input, and the
//! output with one thread is byte-identical to the output with many.

use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

/// How the pipeline runs.
#[derive(Clone, Copy, Debug)]
pub struct PipelineOptions {
    /// Worker threads (0: one per CPU).
    pub threads: usize,
    /// Messages per batch handed to the workers.
    pub batch_size: usize,
    /// Batches read ahead of the workers.
    pub read_ahead: usize,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            threads: 0,
            batch_size: 4096,
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .thread_name(|i| format!("fanzha-worker-{i}"))
        .build()
        .map_err(|e| E::from(PoolError(e.to_string())))?;
    let batch_size = opts.batch_size.max(1);
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<T>>(opts.read_ahead.max(1));
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(batch_size);
            for item in input {
                batch.push(item);
                if batch.len() == batch_size {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                    if tx.send(full).is_err() {
                        return; // the consumer stopped
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        for batch in rx {
            let results: Vec<U> =
                pool.install(|| batch.into_par_iter().with_min_len(64).map(&map).collect());
            for r in results {
                sink(r)?;
            }
        }
        Ok(())
    })
}
