//! Readers for the shared labelled datasets and for the team's JSONL corpus.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::{EvalError, LabelledMessage, Truth};

/// Labels understood in JSONL files, for error messages.
const JSONL_LABELS: &str = "scam, fraud, phishing, smishing, 1, true (fraud); \
                            benign, ham, clean, normal, ad, spam, 0, false (not fraud)";

/// Category given to telecom label01 (冒充公检法) and label04 (冒充领导熟人).
const CAT_IMPERSONATION: &str = "impersonation";
/// Category given to telecom label02 (贷款、代办信用卡).
const CAT_LOAN: &str = "loan_scam";
/// Category given to telecom label03 (冒充客服服务).
const CAT_REFUND: &str = "refund_scam";

/// Known dataset layouts.
///
/// # Label mapping
///
/// | kind | label as written | truth | group | category |
/// |---|---|---|---|---|
/// | `jsonl` | `scam` `fraud` `phishing` `smishing` `1` `true` | Fraud | `corpus` (or the record's `group`) | the record's category field |
/// | `jsonl` | `benign` `ham` `clean` `normal` `ad` `spam` `0` `false` | NotFraud | same | same |
/// | `nus-sms-zh` | (none: personal SMS) | NotFraud | `nus-sms-zh` | - |
/// | `cn-sms-800k` | `0` | NotFraud | `cn-sms-800k/ham` | - |
/// | `cn-sms-800k` | `1` (mostly ads) | NotFraud | `cn-sms-800k/spam` *reported only* | - |
/// | `telecom-fraud-5` | `0` (label00, mostly marketing) | NotFraud | `telecom/label00` | - |
/// | `telecom-fraud-5` | `冒充公检法及政府机关类` (label01) | Fraud | `telecom/label01` | `impersonation` |
/// | `telecom-fraud-5` | `贷款、代办信用卡类` (label02) | Fraud | `telecom/label02` | `loan_scam` |
/// | `telecom-fraud-5` | `冒充客服服务` (label03) | Fraud | `telecom/label03` | `refund_scam` |
/// | `telecom-fraud-5` | `冒充领导、熟人类` (label04) | Fraud | `telecom/label04` | `impersonation` |
/// | `fbs-sms` | file `FR__*` | Fraud | `fbs-sms/<file stem>` | - |
/// | `fbs-sms` | file `AD__*` | NotFraud | `fbs-sms/<file stem>` | - |
/// | `fbs-sms` | file `IL__*`, `Other` | NotFraud | `fbs-sms/<file stem>` *reported only* | - |
/// | `uci-sms-spam` | `ham` | NotFraud | `uci/ham` | - |
/// | `uci-sms-spam` | `spam` (prize / premium-rate) | Fraud | `uci/spam` *reported only* | - |
/// | `mendeley` | `ham` | NotFraud | `mendeley/ham` | - |
/// | `mendeley` | `smishing` (any case) | Fraud | `mendeley/smishing` | - |
/// | `mendeley` | `spam` (any case, advertising) | NotFraud | `mendeley/spam` *reported only* | - |
/// | `smishtank` | (none: user-reported) | Fraud | `smishtank` | - |
/// | `spamhunter` | (none: reported spam) | Fraud | `spamhunter` | - |
///
/// Groups marked *reported only* are measured and printed but are not part of any
/// target: their truth is debatable (advertising vs fraud, illegal services, old
/// premium-rate spam). [`reported_only`] tells them apart.
///
/// Blank messages (empty or whitespace-only lines or fields) are skipped: there is
/// nothing to classify. In the shared sets: 4 NUS records (`<text> </text>`), 2 lines
/// of fbs-sms `FR__Other.txt` and 8 lines of spamhunter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DatasetKind {
    /// The team's corpus: one JSON object per line with text, label and optional
    /// category fields (names set by [`JsonlFields`]).
    Jsonl,
    /// NUS SMS Corpus, Chinese part: XML, one `<message>` per record, all benign.
    NusSmsZh,
    /// Sample of the 800k Chinese SMS corpus: `label<TAB>text`, `0` ham, `1` spam (ads).
    CnSms800k,
    /// Telecom_Fraud_Texts_5: CSV `content,label`, files `label00`..`label04`
    /// (label04 is GBK).
    TelecomFraud5,
    /// Fake-base-station SMS: one message per line, label = file name.
    FbsSms,
    /// UCI SMS Spam Collection: `ham|spam<TAB>text`.
    UciSmsSpam,
    /// Mendeley smishing dataset: CSV `LABEL,TEXT,URL,EMAIL,PHONE`.
    Mendeley,
    /// SmishTank: CSV with quoted multi-line fields; text in `MainText`.
    Smishtank,
    /// SpamHunter: header `Messages`, then one message per line.
    SpamHunter,
}

impl DatasetKind {
    /// Every kind, in a fixed order.
    pub const ALL: [DatasetKind; 9] = [
        DatasetKind::Jsonl,
        DatasetKind::NusSmsZh,
        DatasetKind::CnSms800k,
        DatasetKind::TelecomFraud5,
        DatasetKind::FbsSms,
        DatasetKind::UciSmsSpam,
        DatasetKind::Mendeley,
        DatasetKind::Smishtank,
        DatasetKind::SpamHunter,
    ];

    /// The kind's name, as accepted by [`DatasetKind::from_name`] (for `--kind`).
    pub fn name(&self) -> &'static str {
        match self {
            DatasetKind::Jsonl => "jsonl",
            DatasetKind::NusSmsZh => "nus-sms-zh",
            DatasetKind::CnSms800k => "cn-sms-800k",
            DatasetKind::TelecomFraud5 => "telecom-fraud-5",
            DatasetKind::FbsSms => "fbs-sms",
            DatasetKind::UciSmsSpam => "uci-sms-spam",
            DatasetKind::Mendeley => "mendeley",
            DatasetKind::Smishtank => "smishtank",
            DatasetKind::SpamHunter => "spamhunter",
        }
    }

    /// Parse a kind from its [`name`](DatasetKind::name) or from the name of its
    /// folder under `shared/datasets` (`cn-sms-800k-sample`, `telecom-fraud-texts-5`,
    /// `mendeley-smishing-5971`). Case-insensitive.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        let kind = match name.as_str() {
            "jsonl" | "ndjson" | "corpus" => DatasetKind::Jsonl,
            "nus-sms-zh" | "nus" => DatasetKind::NusSmsZh,
            "cn-sms-800k" | "cn-sms-800k-sample" => DatasetKind::CnSms800k,
            "telecom-fraud-5" | "telecom-fraud-texts-5" | "telecom" => DatasetKind::TelecomFraud5,
            "fbs-sms" | "fbs" => DatasetKind::FbsSms,
            "uci-sms-spam" | "uci" => DatasetKind::UciSmsSpam,
            "mendeley" | "mendeley-smishing-5971" => DatasetKind::Mendeley,
            "smishtank" => DatasetKind::Smishtank,
            "spamhunter" | "spam-hunter" => DatasetKind::SpamHunter,
            _ => return None,
        };
        Some(kind)
    }

    /// Kind suggested by a single file name, if any.
    fn from_file_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let kind = if lower.starts_with("smscorpus_zh") && lower.ends_with(".xml") {
            DatasetKind::NusSmsZh
        } else if is_telecom_file(&lower) {
            DatasetKind::TelecomFraud5
        } else if is_fbs_prefix(name) && lower.ends_with(".txt") {
            DatasetKind::FbsSms
        } else if lower.starts_with("smsspamcollection") {
            DatasetKind::UciSmsSpam
        } else if lower.starts_with("mendeley") && lower.ends_with(".csv") {
            DatasetKind::Mendeley
        } else if lower.starts_with("smishtank") && lower.ends_with(".csv") {
            DatasetKind::Smishtank
        } else if lower.starts_with("spam-hunter") || lower.starts_with("spamhunter") {
            DatasetKind::SpamHunter
        } else if lower.starts_with("data_set") && lower.ends_with(".txt") {
            DatasetKind::CnSms800k
        } else {
            return None;
        };
        Some(kind)
    }

    /// Whether a file inside a dataset folder belongs to this kind.
    fn wants_file(self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        match self {
            DatasetKind::Jsonl => lower.ends_with(".jsonl") || lower.ends_with(".ndjson"),
            DatasetKind::NusSmsZh => lower.ends_with(".xml"),
            DatasetKind::CnSms800k | DatasetKind::FbsSms => lower.ends_with(".txt"),
            DatasetKind::TelecomFraud5 => is_telecom_file(&lower),
            DatasetKind::UciSmsSpam => {
                lower.starts_with("smsspamcollection")
                    || lower.ends_with(".tsv")
                    || lower.ends_with(".txt")
            }
            DatasetKind::Mendeley | DatasetKind::Smishtank | DatasetKind::SpamHunter => {
                lower.ends_with(".csv")
            }
        }
    }
}

impl std::fmt::Display for DatasetKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `label0?-last.csv` (any `label*.csv` really, so held-out copies are recognised).
fn is_telecom_file(lower: &str) -> bool {
    lower.starts_with("label") && lower.ends_with(".csv")
}

fn is_fbs_prefix(name: &str) -> bool {
    name.starts_with("FR__") || name.starts_with("AD__") || name.starts_with("IL__")
}

/// Guess the dataset kind of a file or folder from its name, falling back to
/// [`DatasetKind::Jsonl`].
///
/// Files: `smsCorpus_zh*.xml`, `label*.csv`, `FR__*`/`AD__*`/`IL__*.txt` (or any
/// `.txt` in a folder named `fbs-sms*`), `SMSSpamCollection*`, `Mendeley*.csv`,
/// `smishtank*.csv`, `SPAM-Hunter*`, `data_set*.txt`. Folders: the names under
/// `shared/datasets` (see [`DatasetKind::from_name`]), or a folder holding
/// `FR__*`/`label*.csv` files. Detection never reads file contents.
pub fn detect_kind(path: &Path) -> DatasetKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if path.is_dir() {
        if let Some(kind) = DatasetKind::from_name(&name) {
            return kind;
        }
        let lower = name.to_ascii_lowercase();
        for (prefix, kind) in [
            ("nus-sms", DatasetKind::NusSmsZh),
            ("cn-sms", DatasetKind::CnSms800k),
            ("telecom-fraud", DatasetKind::TelecomFraud5),
            ("fbs-sms", DatasetKind::FbsSms),
            ("uci-sms", DatasetKind::UciSmsSpam),
            ("mendeley", DatasetKind::Mendeley),
            ("smishtank", DatasetKind::Smishtank),
            ("spamhunter", DatasetKind::SpamHunter),
        ] {
            if lower.starts_with(prefix) {
                return kind;
            }
        }
        // Otherwise the first recognisable file decides (sorted, so deterministic).
        if let Ok(files) = list_dir(path) {
            for file in files {
                let file_name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some(kind) = DatasetKind::from_file_name(&file_name) {
                    return kind;
                }
            }
        }
        return DatasetKind::Jsonl;
    }
    if let Some(kind) = DatasetKind::from_file_name(&name) {
        return kind;
    }
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if parent.starts_with("fbs-sms") && name.to_ascii_lowercase().ends_with(".txt") {
        return DatasetKind::FbsSms;
    }
    DatasetKind::Jsonl
}

/// Field names for JSONL input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonlFields {
    /// Field holding the message text (default `text`). Required in every record.
    pub text: String,
    /// Field holding the label (default `label`): a string, a boolean or 0/1; see
    /// [`truth_from_label`]. Required in every record.
    pub label: String,
    /// Field holding the expected category (default `category`). Optional; `null` or
    /// absent means unknown.
    pub category: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            text: "text".to_owned(),
            label: "label".to_owned(),
            category: "category".to_owned(),
        }
    }
}

/// Map a label of the team's JSONL corpus to a [`Truth`]; `None` if unknown.
///
/// Case-insensitive, surrounding spaces ignored:
///
/// | label | truth |
/// |---|---|
/// | `scam`, `fraud`, `phishing`, `smishing`, `1`, `true` | Fraud |
/// | `benign`, `ham`, `clean`, `normal`, `ad`, `spam`, `0`, `false` | NotFraud |
///
/// `spam` means advertising here, as in the shared datasets: not fraud. `suspicious`
/// is deliberately not accepted: ground truth must say which side an example is on.
pub fn truth_from_label(label: &str) -> Option<Truth> {
    match label.trim().to_ascii_lowercase().as_str() {
        "scam" | "fraud" | "phishing" | "smishing" | "1" | "true" => Some(Truth::Fraud),
        "benign" | "ham" | "clean" | "normal" | "ad" | "spam" | "0" | "false" => {
            Some(Truth::NotFraud)
        }
        _ => None,
    }
}

/// Whether a group is measured and printed but kept out of the accuracy targets.
///
/// These are `cn-sms-800k/spam` (advertising), `uci/spam` (old prize and premium-rate
/// spam, labelled Fraud but not what fanzha is for), `mendeley/spam` (advertising and
/// premium-rate spam, not the smishing target), and fbs-sms `IL__*` (illegal services)
/// and `Other`.
pub fn reported_only(group: &str) -> bool {
    matches!(
        group,
        "cn-sms-800k/spam" | "uci/spam" | "mendeley/spam" | "fbs-sms/Other"
    ) || group.starts_with("fbs-sms/IL__")
}

/// Load examples from a file, or from every file of `kind` in a folder (in file-name
/// order; JSONL folders are searched recursively).
///
/// Records keep file order. Blank messages are skipped; every other record yields one
/// example or an error, so nothing is lost silently.
pub fn load(
    path: &Path,
    kind: DatasetKind,
    opts: &JsonlFields,
) -> Result<Vec<LabelledMessage>, EvalError> {
    let meta = std::fs::metadata(path).map_err(|source| io_err(path, source))?;
    let mut out = Vec::new();
    if meta.is_dir() {
        let files = if kind == DatasetKind::Jsonl {
            list_dir_recursive(path)?
        } else {
            list_dir(path)?
        };
        let mut any = false;
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !kind.wants_file(&name) {
                continue;
            }
            any = true;
            load_file(&file, kind, opts, &mut out)?;
        }
        if !any {
            return Err(EvalError::NoFiles {
                path: path.to_path_buf(),
                kind: kind.name(),
            });
        }
    } else {
        load_file(path, kind, opts, &mut out)?;
    }
    Ok(out)
}

/// Loads a plain-text file of one message per line, labelled by a second file
/// that lists the 1-based line numbers of the fraud messages, one per line, as
/// `../shared/bench/gen_corpus.py --labels FILE` writes them. Every other
/// non-blank line is not fraud; blank lines are skipped but keep their number.
/// The group is the text file's name without extension.
///
/// ```no_run
/// use std::path::Path;
/// let examples = fanzha::eval::load_lines_with_positives(
///     Path::new("corpus.txt"),
///     Path::new("corpus.labels"),
/// )?;
/// # Ok::<(), fanzha::eval::EvalError>(())
/// ```
pub fn load_lines_with_positives(
    text_path: &Path,
    positives_path: &Path,
) -> Result<Vec<LabelledMessage>, EvalError> {
    let listed = std::fs::read(positives_path).map_err(|e| io_err(positives_path, e))?;
    let listed = String::from_utf8_lossy(&listed);
    // Listed line number -> the line of the positives file that lists it.
    let mut fraud_lines = std::collections::BTreeMap::new();
    for (line_no, line) in numbered_lines(&listed) {
        let entry = line.trim();
        if entry.is_empty() {
            continue;
        }
        match entry.parse::<u64>() {
            Ok(n) if n > 0 => {
                fraud_lines.entry(n).or_insert(line_no);
            }
            _ => {
                return Err(EvalError::Parse {
                    path: positives_path.to_path_buf(),
                    line: line_no,
                    message: format!("expected a 1-based line number, found {entry:?}"),
                })
            }
        }
    }
    let bytes = std::fs::read(text_path).map_err(|e| io_err(text_path, e))?;
    let text = String::from_utf8_lossy(strip_utf8_bom(&bytes));
    let group = file_stem(text_path);
    let mut out = Vec::new();
    let mut last = 0;
    for (line_no, line) in numbered_lines(&text) {
        last = line_no;
        if is_blank(line) {
            continue;
        }
        out.push(LabelledMessage {
            text: line.to_owned(),
            truth: if fraud_lines.contains_key(&line_no) {
                Truth::Fraud
            } else {
                Truth::NotFraud
            },
            category: None,
            group: group.clone(),
            origin: origin(text_path, line_no),
        });
    }
    // A listed line the text does not have means the two files do not belong
    // together (or the text was cut): counting on would lose a positive.
    if let Some((&beyond, &listed_at)) = fraud_lines.range(last + 1..).next() {
        return Err(EvalError::Parse {
            path: positives_path.to_path_buf(),
            line: listed_at,
            message: format!(
                "line {beyond} is listed, but {} has {last} lines",
                text_path.display()
            ),
        });
    }
    Ok(out)
}

fn io_err(path: &Path, source: std::io::Error) -> EvalError {
    EvalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Regular files directly in `dir`, sorted by name.
fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let entry = entry.map_err(|e| io_err(dir, e))?;
        let path = entry.path();
        if path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Regular files under `dir` at any depth, sorted by path.
fn list_dir_recursive(dir: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| io_err(&d, e))? {
            let entry = entry.map_err(|e| io_err(&d, e))?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn load_file(
    path: &Path,
    kind: DatasetKind,
    opts: &JsonlFields,
    out: &mut Vec<LabelledMessage>,
) -> Result<(), EvalError> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    let bytes = strip_utf8_bom(&bytes);
    match kind {
        DatasetKind::Jsonl => read_jsonl(path, bytes, opts, out),
        DatasetKind::NusSmsZh => read_nus(path, &utf8_or_gb18030(bytes), out),
        DatasetKind::CnSms800k => read_cn_sms(path, &utf8_or_gb18030(bytes), out),
        DatasetKind::TelecomFraud5 => read_telecom(path, &utf8_or_gb18030(bytes), out),
        DatasetKind::FbsSms => read_fbs(path, &utf8_or_gb18030(bytes), out),
        DatasetKind::UciSmsSpam => read_uci(path, &String::from_utf8_lossy(bytes), out),
        DatasetKind::Mendeley => read_mendeley(path, &String::from_utf8_lossy(bytes), out),
        DatasetKind::Smishtank => read_smishtank(path, &String::from_utf8_lossy(bytes), out),
        DatasetKind::SpamHunter => read_spamhunter(path, &String::from_utf8_lossy(bytes), out),
    }
}

fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Chinese datasets: UTF-8 if the whole file is valid UTF-8, else GB18030 (a superset
/// of GBK/CP936; telecom label04 needs this). Undecodable bytes become U+FFFD.
fn utf8_or_gb18030(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let (text, _had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            text
        }
    }
}

fn origin(path: &Path, line: u64) -> String {
    format!("{}:{}", path.display(), line)
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// Lines of a text with 1-based numbers, without the line terminator (LF or CRLF).
/// A final newline does not produce an extra empty line.
fn numbered_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split('\n')
        .enumerate()
        .filter(move |_| !text.is_empty())
        .map(|(i, line)| (i as u64 + 1, line.strip_suffix('\r').unwrap_or(line)))
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------
// JSONL

fn read_jsonl(
    path: &Path,
    bytes: &[u8],
    opts: &JsonlFields,
    out: &mut Vec<LabelledMessage>,
) -> Result<(), EvalError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        // Report the line of the first bad byte.
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        EvalError::Parse {
            path: path.to_path_buf(),
            line,
            message: "not valid UTF-8 (JSONL must be UTF-8)".to_owned(),
        }
    })?;
    for (line_no, line) in numbered_lines(text) {
        if is_blank(line) {
            continue;
        }
        let parse = |message: String| EvalError::Parse {
            path: path.to_path_buf(),
            line: line_no,
            message,
        };
        let missing = |field: &str| EvalError::MissingField {
            path: path.to_path_buf(),
            line: line_no,
            field: field.to_owned(),
        };
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| parse(format!("invalid JSON: {e}")))?;
        let obj = value
            .as_object()
            .ok_or_else(|| parse("expected a JSON object".to_owned()))?;
        let text = match obj.get(&opts.text) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(_) => return Err(parse(format!("field {:?} is not a string", opts.text))),
            None => return Err(missing(&opts.text)),
        };
        let label = match obj.get(&opts.label) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Bool(b)) => b.to_string(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(_) => {
                return Err(parse(format!(
                    "field {:?} is not a string, boolean or number",
                    opts.label
                )))
            }
            None => return Err(missing(&opts.label)),
        };
        let truth = truth_from_label(&label).ok_or_else(|| EvalError::UnknownLabel {
            path: path.to_path_buf(),
            line: line_no,
            label: label.clone(),
            expected: JSONL_LABELS,
        })?;
        let category = match obj.get(&opts.category) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(parse(format!("field {:?} is not a string", opts.category))),
        };
        let group = match obj.get("group") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => "corpus".to_owned(),
        };
        if is_blank(&text) {
            continue;
        }
        out.push(LabelledMessage {
            text,
            truth,
            category,
            group,
            origin: origin(path, line_no),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// NUS SMS corpus (XML)

/// A small purpose-built reader for the NUS corpus layout: each `<message …>` element
/// holds one `<text>…</text>` (or `<text/>`). Records may span lines; the origin is
/// the line where `<message` starts. Entities are decoded (see [`decode_xml_text`]).
fn read_nus(path: &Path, text: &str, out: &mut Vec<LabelledMessage>) -> Result<(), EvalError> {
    let mut pos = 0;
    let mut line: u64 = 1;
    let mut counted_to = 0;
    while let Some(found) = find_message_start(&text[pos..]) {
        let start = pos + found;
        line += text[counted_to..start].matches('\n').count() as u64;
        counted_to = start;
        let parse = |message: &str| EvalError::Parse {
            path: path.to_path_buf(),
            line,
            message: message.to_owned(),
        };
        let end = text[start..]
            .find("</message>")
            .map(|i| start + i)
            .ok_or_else(|| parse("<message> without </message>"))?;
        let record = &text[start..end];
        let body = extract_text_element(record).ok_or_else(|| parse("<message> without <text>"))?;
        let body = decode_xml_text(body);
        pos = end + "</message>".len();
        if is_blank(&body) {
            continue;
        }
        out.push(LabelledMessage {
            text: body,
            truth: Truth::NotFraud,
            category: None,
            group: "nus-sms-zh".to_owned(),
            origin: origin(path, line),
        });
    }
    Ok(())
}

/// Offset of the next `<message` tag (not `<messages`, say).
fn find_message_start(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("<message") {
        let at = from + i;
        match s.as_bytes().get(at + "<message".len()) {
            Some(b' ' | b'>' | b'\t' | b'\r' | b'\n') => return Some(at),
            _ => from = at + 1,
        }
    }
    None
}

/// The raw content of the first `<text>` element of a record; `""` for `<text/>`.
fn extract_text_element(record: &str) -> Option<&str> {
    let mut from = 0;
    loop {
        let at = from + record[from..].find("<text")?;
        let after = at + "<text".len();
        match record.as_bytes().get(after) {
            Some(b'>' | b' ' | b'/' | b'\t' | b'\r' | b'\n') => {}
            _ => {
                from = after;
                continue;
            }
        }
        let close = after + record[after..].find('>')?;
        if record[..close].ends_with('/') {
            return Some("");
        }
        let content_start = close + 1;
        let content_end = content_start + record[content_start..].find("</text>")?;
        return Some(&record[content_start..content_end]);
    }
}

/// Decode XML character data: line ends are normalised to LF (as an XML parser
/// does), then `&lt; &gt; &amp; &quot; &apos;` and numeric references (`&#13;`,
/// `&#x4E2D;`) are decoded, and CDATA sections are unwrapped. Anything unknown or
/// malformed is kept as written.
fn decode_xml_text(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw.as_str();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            if let Some(end) = after.find("]]>") {
                out.push_str(&after[..end]);
                rest = &after[end + 3..];
                continue;
            }
        }
        if rest.starts_with('&') {
            // Byte search: `;` is ASCII, so its index is a char boundary.
            let window = &rest.as_bytes()[..rest.len().min(12)];
            if let Some(semi) = window.iter().position(|&b| b == b';') {
                let entity = &rest[1..semi];
                let decoded = match entity {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => entity
                        .strip_prefix("#x")
                        .or_else(|| entity.strip_prefix("#X"))
                        .map(|hex| u32::from_str_radix(hex, 16))
                        .or_else(|| entity.strip_prefix('#').map(|dec| dec.parse::<u32>()))
                        .and_then(Result::ok)
                        .and_then(char::from_u32),
                };
                if let Some(c) = decoded {
                    out.push(c);
                    rest = &rest[semi + 1..];
                    continue;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

// ---------------------------------------------------------------------------------
// Tab-separated: cn-sms-800k and UCI

fn split_tab<'a>(
    path: &Path,
    line_no: u64,
    line: &'a str,
) -> Result<(&'a str, &'a str), EvalError> {
    line.split_once('\t').ok_or_else(|| EvalError::Parse {
        path: path.to_path_buf(),
        line: line_no,
        message: "expected label<TAB>text".to_owned(),
    })
}

fn read_cn_sms(path: &Path, text: &str, out: &mut Vec<LabelledMessage>) -> Result<(), EvalError> {
    for (line_no, line) in numbered_lines(text) {
        if is_blank(line) {
            continue;
        }
        let (label, body) = split_tab(path, line_no, line)?;
        // Both labels are not fraud: `1` is mostly advertising (see DatasetKind).
        let group = match label.trim() {
            "0" => "cn-sms-800k/ham",
            "1" => "cn-sms-800k/spam",
            other => {
                return Err(EvalError::UnknownLabel {
                    path: path.to_path_buf(),
                    line: line_no,
                    label: other.to_owned(),
                    expected: "0 (ham), 1 (spam)",
                })
            }
        };
        if is_blank(body) {
            continue;
        }
        out.push(LabelledMessage {
            text: body.to_owned(),
            truth: Truth::NotFraud,
            category: None,
            group: group.to_owned(),
            origin: origin(path, line_no),
        });
    }
    Ok(())
}

fn read_uci(path: &Path, text: &str, out: &mut Vec<LabelledMessage>) -> Result<(), EvalError> {
    for (line_no, line) in numbered_lines(text) {
        if is_blank(line) {
            continue;
        }
        let (label, body) = split_tab(path, line_no, line)?;
        // `spam` is prize / premium-rate spam: Fraud, but its group is reported only.
        let (truth, group) = match label.trim().to_ascii_lowercase().as_str() {
            "ham" => (Truth::NotFraud, "uci/ham"),
            "spam" => (Truth::Fraud, "uci/spam"),
            _ => {
                return Err(EvalError::UnknownLabel {
                    path: path.to_path_buf(),
                    line: line_no,
                    label: label.to_owned(),
                    expected: "ham, spam",
                })
            }
        };
        if is_blank(body) {
            continue;
        }
        out.push(LabelledMessage {
            text: body.to_owned(),
            truth,
            category: None,
            group: group.to_owned(),
            origin: origin(path, line_no),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// One message per line: FBS and SpamHunter

fn read_fbs(path: &Path, text: &str, out: &mut Vec<LabelledMessage>) -> Result<(), EvalError> {
    let stem = file_stem(path);
    // The label is the file name: FR__* fraud; AD__*, IL__*, Other not fraud.
    let truth = if stem.starts_with("FR__") {
        Truth::Fraud
    } else {
        Truth::NotFraud
    };
    let group = format!("fbs-sms/{stem}");
    for (line_no, line) in numbered_lines(text) {
        if is_blank(line) {
            continue;
        }
        out.push(LabelledMessage {
            text: line.to_owned(),
            truth,
            category: None,
            group: group.clone(),
            origin: origin(path, line_no),
        });
    }
    Ok(())
}

fn read_spamhunter(
    path: &Path,
    text: &str,
    out: &mut Vec<LabelledMessage>,
) -> Result<(), EvalError> {
    for (line_no, line) in numbered_lines(text) {
        // The first line is the header `Messages` (not quoted CSV: messages contain
        // unquoted commas, so the file is read line by line).
        if line_no == 1 && line.trim().eq_ignore_ascii_case("messages") {
            continue;
        }
        if is_blank(line) {
            continue;
        }
        out.push(LabelledMessage {
            text: line.to_owned(),
            truth: Truth::Fraud,
            category: None,
            group: "spamhunter".to_owned(),
            origin: origin(path, line_no),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// CSV: telecom, Mendeley, SmishTank

/// A CSV file with a header row; quoted multi-line fields allowed, ragged rows
/// tolerated (missing needed fields are reported per record).
struct Csv<'a> {
    path: &'a Path,
    text: &'a str,
    headers: Vec<String>,
    reader: csv::Reader<&'a [u8]>,
}

impl<'a> Csv<'a> {
    fn new(path: &'a Path, text: &'a str) -> Result<Self, EvalError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| EvalError::Parse {
                path: path.to_path_buf(),
                line: 1,
                message: format!("bad CSV header: {e}"),
            })?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        Ok(Csv {
            path,
            text,
            headers,
            reader,
        })
    }

    /// Index of a header, compared case-insensitively.
    fn column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    fn require(&self, name: &str) -> Result<usize, EvalError> {
        self.column(name).ok_or_else(|| EvalError::MissingField {
            path: self.path.to_path_buf(),
            line: 1,
            field: name.to_owned(),
        })
    }

    /// Every record with the line it starts on. The line is counted from the
    /// record's byte offset: in CRLF files csv reports the position of the LF that
    /// ends the previous record, so its line number is one too small.
    fn records(&mut self) -> Result<Vec<(u64, csv::StringRecord)>, EvalError> {
        let mut out = Vec::new();
        let mut line = 1;
        let mut counted_to = 0;
        let (path, text) = (self.path, self.text);
        for result in self.reader.records() {
            let record = result.map_err(|e| csv_error(path, text, &e))?;
            let mut start = record
                .position()
                .map_or(counted_to, |p| p.byte() as usize)
                .clamp(counted_to, text.len());
            // After a CRLF, csv reports the offset of the LF (or of skipped blank
            // lines): move to the record's first byte.
            while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..start]).count() as u64;
            counted_to = start;
            out.push((line, record));
        }
        Ok(out)
    }

    fn field<'r>(
        &self,
        record: &'r csv::StringRecord,
        line: u64,
        index: usize,
    ) -> Result<&'r str, EvalError> {
        record.get(index).ok_or_else(|| EvalError::MissingField {
            path: self.path.to_path_buf(),
            line,
            field: self.headers.get(index).cloned().unwrap_or_default(),
        })
    }
}

fn csv_error(path: &Path, text: &str, e: &csv::Error) -> EvalError {
    let line = e.position().map_or(0, |p| {
        let end = (p.byte() as usize).min(text.len());
        memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() as u64 + 1
    });
    EvalError::Parse {
        path: path.to_path_buf(),
        line,
        message: format!("bad CSV: {e}"),
    }
}

fn read_telecom(path: &Path, text: &str, out: &mut Vec<LabelledMessage>) -> Result<(), EvalError> {
    let mut csv = Csv::new(path, text)?;
    let content = csv.require("content")?;
    let label_col = csv.require("label")?;
    for (line, record) in csv.records()? {
        let body = csv.field(&record, line, content)?;
        let label = csv.field(&record, line, label_col)?.trim();
        // The label column is authoritative (not the file name), so renamed or
        // held-out copies map the same way.
        let (truth, group, category) = match label {
            "0" => (Truth::NotFraud, "telecom/label00", None),
            "冒充公检法及政府机关类" => {
                (Truth::Fraud, "telecom/label01", Some(CAT_IMPERSONATION))
            }
            "贷款、代办信用卡类" => (Truth::Fraud, "telecom/label02", Some(CAT_LOAN)),
            "冒充客服服务" => (Truth::Fraud, "telecom/label03", Some(CAT_REFUND)),
            "冒充领导、熟人类" => {
                (Truth::Fraud, "telecom/label04", Some(CAT_IMPERSONATION))
            }
            other => return Err(EvalError::UnknownLabel {
                path: path.to_path_buf(),
                line,
                label: other.to_owned(),
                expected:
                    "0, 冒充公检法及政府机关类, 贷款、代办信用卡类, 冒充客服服务, 冒充领导、熟人类",
            }),
        };
        if is_blank(body) {
            continue;
        }
        out.push(LabelledMessage {
            text: body.to_owned(),
            truth,
            category: category.map(str::to_owned),
            group: group.to_owned(),
            origin: origin(path, line),
        });
    }
    Ok(())
}

fn read_mendeley(path: &Path, text: &str, out: &mut Vec<LabelledMessage>) -> Result<(), EvalError> {
    let mut csv = Csv::new(path, text)?;
    let label_col = csv.require("LABEL")?;
    let text_col = csv.require("TEXT")?;
    for (line, record) in csv.records()? {
        let label = csv.field(&record, line, label_col)?;
        let body = csv.field(&record, line, text_col)?;
        let (truth, group) = match label.trim().to_ascii_lowercase().as_str() {
            "ham" => (Truth::NotFraud, "mendeley/ham"),
            "smishing" => (Truth::Fraud, "mendeley/smishing"),
            // Spam is unwanted advertising: not fraud.
            "spam" => (Truth::NotFraud, "mendeley/spam"),
            _ => {
                return Err(EvalError::UnknownLabel {
                    path: path.to_path_buf(),
                    line,
                    label: label.to_owned(),
                    expected: "ham, smishing, spam",
                })
            }
        };
        if is_blank(body) {
            continue;
        }
        out.push(LabelledMessage {
            text: body.to_owned(),
            truth,
            category: None,
            group: group.to_owned(),
            origin: origin(path, line),
        });
    }
    Ok(())
}

fn read_smishtank(
    path: &Path,
    text: &str,
    out: &mut Vec<LabelledMessage>,
) -> Result<(), EvalError> {
    let mut csv = Csv::new(path, text)?;
    let main_text = csv.require("MainText")?;
    let full_text = csv.column("Fulltext");
    for (line, record) in csv.records()? {
        let mut body = record.get(main_text).unwrap_or("");
        if is_blank(body) {
            body = full_text.and_then(|i| record.get(i)).unwrap_or("");
        }
        if is_blank(body) {
            continue;
        }
        out.push(LabelledMessage {
            text: body.to_owned(),
            truth: Truth::Fraud,
            category: None,
            group: "smishtank".to_owned(),
            origin: origin(path, line),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_labelled_by_a_positives_file() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("chat.txt");
        let positives = dir.path().join("chat.labels");
        std::fs::write(&text, "你好\n\n专业解封500\n吃饭了吗\n").unwrap();
        std::fs::write(&positives, "3\n").unwrap();
        let got = load_lines_with_positives(&text, &positives).unwrap();
        let truths: Vec<(&str, Truth)> = got.iter().map(|m| (m.text.as_str(), m.truth)).collect();
        assert_eq!(
            truths,
            vec![
                ("你好", Truth::NotFraud),
                ("专业解封500", Truth::Fraud),
                ("吃饭了吗", Truth::NotFraud),
            ]
        );
        assert!(got[1].origin.ends_with("chat.txt:3"), "{}", got[1].origin);
        assert_eq!(got[0].group, "chat");
        std::fs::write(&positives, "3\nx\n").unwrap();
        let err = load_lines_with_positives(&text, &positives).unwrap_err();
        assert!(err.to_string().contains("chat.labels:2"), "{err}");
        std::fs::write(&positives, "9\n").unwrap();
        let err = load_lines_with_positives(&text, &positives).unwrap_err();
        assert!(err.to_string().contains("line 9 is listed"), "{err}");
        assert!(err.to_string().contains("chat.labels:1:"), "{err}");
    }

    #[test]
    fn jsonl_labels() {
        for l in ["scam", "FRAUD", " phishing ", "smishing", "1", "true"] {
            assert_eq!(truth_from_label(l), Some(Truth::Fraud), "{l}");
        }
        for l in [
            "benign", "ham", "clean", "Normal", "ad", "spam", "0", "false",
        ] {
            assert_eq!(truth_from_label(l), Some(Truth::NotFraud), "{l}");
        }
        for l in ["suspicious", "", "2", "scammy"] {
            assert_eq!(truth_from_label(l), None, "{l}");
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in DatasetKind::ALL {
            assert_eq!(DatasetKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(DatasetKind::from_name("nope"), None);
    }

    #[test]
    fn detect_by_file_name() {
        let cases = [
            (
                "x/smsCorpus_zh_2015.03.09.odd-ids.xml",
                DatasetKind::NusSmsZh,
            ),
            ("x/label04-last.csv", DatasetKind::TelecomFraud5),
            ("x/FR__Other.txt", DatasetKind::FbsSms),
            ("x/fbs-sms/Other.txt", DatasetKind::FbsSms),
            ("x/SMSSpamCollection", DatasetKind::UciSmsSpam),
            ("x/Mendeley_Dataset_5971.csv", DatasetKind::Mendeley),
            ("x/smishtank.csv", DatasetKind::Smishtank),
            (
                "x/SPAM-Hunter_full_dataset_messages.csv",
                DatasetKind::SpamHunter,
            ),
            ("x/data_set.head.txt", DatasetKind::CnSms800k),
            ("x/corpus.jsonl", DatasetKind::Jsonl),
            ("x/Other.txt", DatasetKind::Jsonl),
        ];
        for (p, kind) in cases {
            assert_eq!(detect_kind(Path::new(p)), kind, "{p}");
        }
    }

    #[test]
    fn xml_entities() {
        assert_eq!(decode_xml_text("a&lt;b&gt;&amp;&quot;&apos;"), "a<b>&\"'");
        assert_eq!(decode_xml_text("x&#13;\r\ny&#x4E2D;"), "x\r\ny中");
        assert_eq!(
            decode_xml_text("&bogus; & &#xZZ; &#99999999;"),
            "&bogus; & &#xZZ; &#99999999;"
        );
        assert_eq!(decode_xml_text("<![CDATA[<b>]]>"), "<b>");
        assert_eq!(decode_xml_text("尾&"), "尾&");
        // A `&` followed by multi-byte text within the entity window.
        assert_eq!(decode_xml_text("&lt;#&gt; 块，算我请;"), "<#> 块，算我请;");
        assert_eq!(decode_xml_text("&块块块块;"), "&块块块块;");
    }

    #[test]
    fn text_element() {
        assert_eq!(
            extract_text_element("<message id=\"1\"><text>hi</text>"),
            Some("hi")
        );
        assert_eq!(extract_text_element("<message><textual/><text/>"), Some(""));
        assert_eq!(extract_text_element("<message><text>unterminated"), None);
    }

    #[test]
    fn lines_are_numbered_from_one() {
        let v: Vec<_> = numbered_lines("a\r\nb\n\nc\n").collect();
        assert_eq!(v, vec![(1, "a"), (2, "b"), (3, ""), (4, "c")]);
        assert_eq!(numbered_lines("").count(), 0);
        assert_eq!(numbered_lines("x").count(), 1);
    }

    #[test]
    fn gbk_fallback() {
        // "冒充" in GBK.
        let gbk = [0xC3, 0xB0, 0xB3, 0xE4];
        assert_eq!(utf8_or_gb18030(&gbk), "冒充");
        assert_eq!(utf8_or_gb18030("冒充".as_bytes()), "冒充");
    }

    fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    #[test]
    fn jsonl_records_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "c.jsonl",
            "{\"text\":\"交解封费\",\"label\":\"scam\",\"category\":\"unblock_fee\"}\n\n\
             {\"text\":\"hi\",\"label\":0,\"group\":\"corpus/chat\"}\n"
                .as_bytes(),
        );
        let v = load(&p, DatasetKind::Jsonl, &JsonlFields::default()).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].truth, Truth::Fraud);
        assert_eq!(v[0].category.as_deref(), Some("unblock_fee"));
        assert_eq!(v[0].group, "corpus");
        assert!(v[0].origin.ends_with("c.jsonl:1"));
        assert_eq!(v[1].truth, Truth::NotFraud);
        assert_eq!(v[1].group, "corpus/chat");
        assert!(v[1].origin.ends_with(":3"));

        let bad = write(
            dir.path(),
            "bad.jsonl",
            b"{\"text\":\"a\",\"label\":\"scam\"}\n{\"text\":\"b\",\"label\":\"maybe\"}\n",
        );
        let err = load(&bad, DatasetKind::Jsonl, &JsonlFields::default()).unwrap_err();
        assert!(
            matches!(err, EvalError::UnknownLabel { line: 2, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("bad.jsonl:2"), "{err}");

        let bad = write(dir.path(), "bad2.jsonl", b"{\"label\":\"scam\"}\n");
        let err = load(&bad, DatasetKind::Jsonl, &JsonlFields::default()).unwrap_err();
        assert!(
            matches!(err, EvalError::MissingField { line: 1, .. }),
            "{err}"
        );

        let bad = write(dir.path(), "bad3.jsonl", b"\n\n[1,2\n");
        let err = load(&bad, DatasetKind::Jsonl, &JsonlFields::default()).unwrap_err();
        assert!(matches!(err, EvalError::Parse { line: 3, .. }), "{err}");

        let bad = write(dir.path(), "bad4.jsonl", b"{}\n\xff\n");
        let err = load(&bad, DatasetKind::Jsonl, &JsonlFields::default()).unwrap_err();
        assert!(matches!(err, EvalError::Parse { line: 2, .. }), "{err}");

        let custom = JsonlFields {
            text: "msg".into(),
            label: "y".into(),
            ..JsonlFields::default()
        };
        let p = write(dir.path(), "d.jsonl", b"{\"msg\":\"a\",\"y\":true}\n");
        assert_eq!(
            load(&p, DatasetKind::Jsonl, &custom).unwrap()[0].truth,
            Truth::Fraud
        );
    }

    #[test]
    fn small_files_of_each_kind() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let opts = JsonlFields::default();

        let p = write(d, "smsCorpus_zh.xml", "<?xml?><smsCorpus>\r\n<message id=\"1\"><text>a&lt;b</text></message>\r\n<message id=\"3\"><text>多\r\n行</text><x/></message>\r\n</smsCorpus>".as_bytes());
        let v = load(&p, DatasetKind::NusSmsZh, &opts).unwrap();
        assert_eq!(
            v.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
            ["a<b", "多\n行"]
        );
        assert!(v[1].origin.ends_with(":3"));
        let p = write(
            d,
            "trunc.xml",
            b"<smsCorpus>\n<message id=\"1\"><text>a</text>\n",
        );
        assert!(matches!(
            load(&p, DatasetKind::NusSmsZh, &opts),
            Err(EvalError::Parse { line: 2, .. })
        ));

        let p = write(d, "data_set.txt", "0\t好\n1\t广告\n".as_bytes());
        let v = load(&p, DatasetKind::CnSms800k, &opts).unwrap();
        assert_eq!(
            (v[1].group.as_str(), v[1].truth),
            ("cn-sms-800k/spam", Truth::NotFraud)
        );
        let p = write(d, "data_set2.txt", b"0\tok\nno tab here\n");
        assert!(matches!(
            load(&p, DatasetKind::CnSms800k, &opts),
            Err(EvalError::Parse { line: 2, .. })
        ));

        let p = write(
            d,
            "label02-last.csv",
            "content,label\r\n\"多\n行,\"\"引\"\"\",贷款、代办信用卡类\r\n".as_bytes(),
        );
        let v = load(&p, DatasetKind::TelecomFraud5, &opts).unwrap();
        assert_eq!(v[0].text, "多\n行,\"引\"");
        assert_eq!(v[0].category.as_deref(), Some("loan_scam"));
        assert!(v[0].origin.ends_with(":2"), "{}", v[0].origin);
        let p = write(d, "label09-last.csv", "content,label\nx,未知\n".as_bytes());
        assert!(matches!(
            load(&p, DatasetKind::TelecomFraud5, &opts),
            Err(EvalError::UnknownLabel { line: 2, .. })
        ));
        let p = write(d, "label05-last.csv", "content\nx\n".as_bytes());
        assert!(matches!(
            load(&p, DatasetKind::TelecomFraud5, &opts),
            Err(EvalError::MissingField { line: 1, .. })
        ));

        let p = write(
            d,
            "Mendeley.csv",
            b"LABEL,TEXT,URL\nSmishing,pay \xa3 now,No\nSpam,sale\nham\n",
        );
        let err = load(&p, DatasetKind::Mendeley, &opts).unwrap_err();
        assert!(
            matches!(err, EvalError::MissingField { line: 4, .. }),
            "{err}"
        );
        let p = write(
            d,
            "Mendeley2.csv",
            b"LABEL,TEXT,URL\nSmishing,pay \xa3 now,No\nSpam,sale\n",
        );
        let v = load(&p, DatasetKind::Mendeley, &opts).unwrap();
        assert_eq!(v[0].text, "pay \u{FFFD} now");
        assert_eq!(
            (v[1].group.as_str(), v[1].truth),
            ("mendeley/spam", Truth::NotFraud)
        );

        let p = write(
            d,
            "smishtank.csv",
            b"messageid,Fulltext,MainText\n1,full,\"main\nline\"\n2,\"only full\",\n",
        );
        let v = load(&p, DatasetKind::Smishtank, &opts).unwrap();
        assert_eq!(v[0].text, "main\nline");
        assert_eq!(v[1].text, "only full");
        assert!(v[1].origin.ends_with(":4"));
    }

    #[test]
    fn empty_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(dir.path(), DatasetKind::Jsonl, &JsonlFields::default()).unwrap_err();
        assert!(matches!(err, EvalError::NoFiles { .. }));
        let err = load(
            &dir.path().join("missing"),
            DatasetKind::Jsonl,
            &JsonlFields::default(),
        )
        .unwrap_err();
        assert!(matches!(err, EvalError::Io { .. }));
    }

    proptest::proptest! {
        #[test]
        fn readers_never_panic(text in "(<message id=\"1\">|<text>|</text>|<text/>|</message>|&[a-z#x0-9]{0,4};?|\r\n|\t|,|\"|块|a|\n){0,40}") {
            let path = Path::new("p");
            let _ = decode_xml_text(&text);
            let mut out = Vec::new();
            let _ = read_nus(path, &text, &mut out);
            let _ = read_cn_sms(path, &text, &mut out);
            let _ = read_uci(path, &text, &mut out);
            let _ = read_telecom(path, &text, &mut out);
            let _ = read_mendeley(path, &text, &mut out);
            let _ = read_smishtank(path, &text, &mut out);
            let _ = read_spamhunter(path, &text, &mut out);
            let _ = read_fbs(path, &text, &mut out);
            let _ = read_jsonl(path, text.as_bytes(), &JsonlFields::default(), &mut out);
        }
    }
}
