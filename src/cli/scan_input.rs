//! `fanzha scan` inputs: paths and folders to a sorted list of sources, and
//! sources to one stream of items (messages, record errors, notices).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use fanzha::input::{InputFormat, Message, MessageReader, ReadOptions, RecordError};

use super::scan_lines::{Chunk, Chunker};

/// One source to read, in output order.
#[derive(Debug)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file and its size when listed.
    File(PathBuf),
    /// A path that could not be listed (walk error, missing path).
    Error { source: String, error: String },
    /// Something to tell on stderr at this point (e.g. a symlink loop skipped).
    Notice(String),
}

/// Expands paths: `-` is stdin, folders are walked recursively in file-name
/// order (symlinks followed, loops detected and skipped), files as given.
/// Returns the sources and the total size of the files.
pub fn list_sources(paths: &[PathBuf]) -> (Vec<Source>, u64) {
    let mut out = Vec::new();
    let mut total = 0u64;
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        paths.to_vec()
    };
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(&path) {
            Err(e) => out.push(Source::Error {
                source: path.display().to_string(),
                error: e.to_string(),
            }),
            Ok(m) if m.is_dir() => walk(&path, &mut out, &mut total),
            Ok(m) => {
                total += m.len();
                out.push(Source::File(path));
            }
        }
    }
    (out, total)
}

fn walk(dir: &Path, out: &mut Vec<Source>, total: &mut u64) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                *total += e.metadata().map(|m| m.len()).unwrap_or(0);
                out.push(Source::File(e.into_path()));
            }
            Ok(_) => {} // folders; sockets, fifos and devices are not chat exports
            Err(e) => {
                let source = e.path().unwrap_or(dir).display().to_string();
                if let Some(anc) = e.loop_ancestor() {
                    out.push(Source::Notice(format!(
                        "{source}: symlink loop back to {}, not followed",
                        anc.display()
                    )));
                } else {
                    let error = e
                        .io_error()
                        .map(|io| io.to_string())
                        .unwrap_or_else(|| e.to_string());
                    out.push(Source::Error { source, error });
                }
            }
        }
    }
}

/// What the reader hands to the workers.
#[derive(Debug)]
pub enum Item {
    /// A message of the named source.
    Msg(Arc<str>, Message),
    /// A chunk of plain UTF-8 lines of the named source (the fast path).
    Chunk(Arc<str>, Chunk),
    /// A record that could not be read.
    RecordError(RecordError),
    /// A source that could not be opened or read at all.
    SourceError { source: String, error: String },
    /// A line for stderr (binary file skipped, decode errors repaired...).
    Notice(String),
}

impl Item {
    /// Weight for batching: the message bytes plus a fixed cost per item.
    pub fn weight(&self) -> usize {
        match self {
            Item::Msg(_, m) => m.text.len() + 64,
            Item::Chunk(_, c) => c.data.len() + 64,
            _ => 64,
        }
    }
}

/// Counters the reader updates as it goes (read by the writer for progress
/// and statistics).
#[derive(Debug, Default)]
pub struct Counters {
    /// Bytes read from all sources so far.
    pub bytes: AtomicU64,
    /// Sources opened and read.
    pub files: AtomicU64,
    /// Sources skipped as binary.
    pub skipped: AtomicU64,
}

struct Counting<R> {
    inner: R,
    counters: Arc<Counters>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counters.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// All items of all sources, in order.
pub struct Items {
    sources: std::vec::IntoIter<Source>,
    opts: ReadOptions,
    counters: Arc<Counters>,
    current: Option<(Arc<str>, Current)>,
}

enum Current {
    Reader(MessageReader),
    Fast(Chunker),
}

impl Items {
    /// Reads `sources` with `opts`, counting into `counters`.
    pub fn new(sources: Vec<Source>, opts: ReadOptions, counters: Arc<Counters>) -> Items {
        Items {
            sources: sources.into_iter(),
            opts,
            counters,
            current: None,
        }
    }

    /// Opens the next source; returns an item to emit instead when it cannot.
    fn open(&mut self, src: Source) -> Option<Item> {
        let (name, reader): (String, Box<dyn Read + Send>) = match src {
            Source::Notice(n) => return Some(Item::Notice(n)),
            Source::Error { source, error } => return Some(Item::SourceError { source, error }),
            Source::Stdin => ("<stdin>".to_string(), Box::new(std::io::stdin())),
            Source::File(p) => {
                let name = p.display().to_string();
                match File::open(&p) {
                    Ok(f) => (name, Box::new(f)),
                    Err(e) => {
                        return Some(Item::SourceError {
                            source: name,
                            error: e.to_string(),
                        })
                    }
                }
            }
        };
        let mut counting: Box<dyn Read + Send> = Box::new(Counting {
            inner: reader,
            counters: self.counters.clone(),
        });
        // Detect encoding and format on the first 64 KiB (as the reader itself would).
        let mut prefix = Vec::new();
        if let Err(e) = (&mut counting)
            .take(fanzha::input::detect::PREFIX_BYTES as u64)
            .read_to_end(&mut prefix)
        {
            return Some(Item::SourceError {
                source: name,
                error: format!("could not read: {e}"),
            });
        }
        let fast_candidate = matches!(self.opts.format, InputFormat::Auto | InputFormat::Lines);
        if fast_candidate {
            match MessageReader::new(std::io::Cursor::new(prefix.clone()), &name, &self.opts) {
                Ok(probe) if probe.is_binary() => {
                    self.counters.skipped.fetch_add(1, Ordering::Relaxed);
                    return Some(Item::Notice(format!(
                        "{name}: binary file, skipped (NUL bytes in the first 8 KiB)"
                    )));
                }
                Ok(probe)
                    if probe.format() == InputFormat::Lines
                        && probe.encoding() == encoding_rs::UTF_8 =>
                {
                    let bom = if prefix.starts_with(b"\xEF\xBB\xBF") {
                        3
                    } else {
                        0
                    };
                    prefix.drain(..bom);
                    let stream = Box::new(std::io::Cursor::new(prefix).chain(counting));
                    self.counters.files.fetch_add(1, Ordering::Relaxed);
                    self.current = Some((
                        Arc::from(name.as_str()),
                        Current::Fast(Chunker::new(stream)),
                    ));
                    return None;
                }
                _ => {}
            }
        }
        let body = std::io::Cursor::new(prefix).chain(counting);
        match MessageReader::new(body, &name, &self.opts) {
            Err(e) => Some(Item::SourceError {
                source: name,
                error: e.to_string(),
            }),
            Ok(r) if r.is_binary() => {
                self.counters.skipped.fetch_add(1, Ordering::Relaxed);
                Some(Item::Notice(format!(
                    "{name}: binary file, skipped (NUL bytes in the first 8 KiB)"
                )))
            }
            Ok(r) => {
                self.counters.files.fetch_add(1, Ordering::Relaxed);
                self.current = Some((Arc::from(name.as_str()), Current::Reader(r)));
                None
            }
        }
    }
}

impl Iterator for Items {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            match &mut self.current {
                Some((name, Current::Reader(reader))) => match reader.next() {
                    Some(Ok(m)) => return Some(Item::Msg(name.clone(), m)),
                    Some(Err(e)) => return Some(Item::RecordError(e)),
                    None => {
                        let lossy = reader.had_decode_errors().then(|| {
                            format!(
                                "{name}: some bytes are not valid {}; replaced with U+FFFD",
                                reader.encoding().name()
                            )
                        });
                        self.current = None;
                        if let Some(n) = lossy {
                            return Some(Item::Notice(n));
                        }
                    }
                },
                Some((name, Current::Fast(chunker))) => match chunker.next_chunk() {
                    Some(Ok(c)) => return Some(Item::Chunk(name.clone(), c)),
                    Some(Err(e)) => {
                        let item = Item::SourceError {
                            source: name.to_string(),
                            error: format!("read error: {e}"),
                        };
                        self.current = None;
                        return Some(item);
                    }
                    None => self.current = None,
                },
                None => {}
            }
            let src = self.sources.next()?;
            if let Some(item) = self.open(src) {
                return Some(item);
            }
        }
    }
}
