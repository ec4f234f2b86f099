//! YAML events from libyaml (as transpiled to Rust): the parser yaml.v3 was
//! ported from, so the text it accepts, its positions and its errors are
//! Temporal's. This module is the one place that touches its raw API.

use std::ffi::CStr;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

use libyaml_rs as sys;

use super::Pos;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// `plain`
    Plain,
    /// `'single quoted'`
    SingleQuoted,
    /// `"double quoted"`
    DoubleQuoted,
    /// `|` literal block
    Literal,
    /// `>` folded block
    Folded,
}

#[derive(Debug)]
pub enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        tag: Option<String>,
        value: String,
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<String>,
        flow: bool,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        flow: bool,
    },
    MappingEnd,
}

/// A syntax error, as libyaml words it.
#[derive(Clone, Debug)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// A pull parser over a text.
pub struct Parser<'a> {
    // Boxed: libyaml keeps pointers into its own state.
    raw: Box<sys::yaml_parser_t>,
    failed: bool,
    _input: PhantomData<&'a [u8]>,
}

impl<'a> Parser<'a> {
    /// A parser over `input`: UTF-8, or UTF-16 with a byte-order mark (as
    /// yaml.v3 reads it).
    pub fn new(input: &'a [u8]) -> Parser<'a> {
        let mut raw: Box<MaybeUninit<sys::yaml_parser_t>> = Box::new(MaybeUninit::uninit());
        // SAFETY: initialize fills the whole struct before it is read; the
        // input outlives the parser (the lifetime 'a).
        let raw = unsafe {
            let p = raw.as_mut_ptr();
            if sys::yaml_parser_initialize(p).fail {
                // Only allocation fails here, which aborts anyway.
                std::alloc::handle_alloc_error(std::alloc::Layout::new::<sys::yaml_parser_t>());
            }
            sys::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as u64);
            Box::from_raw(Box::into_raw(raw).cast::<sys::yaml_parser_t>())
        };
        Parser {
            raw,
            failed: false,
            _input: PhantomData,
        }
    }

    /// The next event and where it starts, or the syntax error that stops
    /// the stream.
    pub fn next_event(&mut self) -> Result<(Event, Pos), SyntaxError> {
        if self.failed {
            return Err(self.error());
        }
        let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
        // SAFETY: the parser is initialised; a successful parse fills the
        // event, which is read, copied from, and deleted exactly once.
        unsafe {
            let parser: *mut sys::yaml_parser_t = &mut *self.raw;
            if sys::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                self.failed = true;
                return Err(self.error());
            }
            let e = event.as_mut_ptr();
            let pos = mark_pos(&(*e).start_mark);
            let converted = convert(&*e);
            sys::yaml_event_delete(e);
            Ok((converted, pos))
        }
    }

    fn error(&self) -> SyntaxError {
        let p = &*self.raw;
        // SAFETY: libyaml's problem and context are static C strings or null.
        let text = |s: *const std::ffi::c_char| unsafe { (!s.is_null()).then(|| CStr::from_ptr(s).to_string_lossy()) };
        let problem = text(p.problem).unwrap_or_else(|| "the text is not valid YAML".into());
        let message = match text(p.context) {
            Some(context) => format!("{problem} ({context})"),
            None => problem.into_owned(),
        };
        SyntaxError {
            pos: mark_pos(&p.problem_mark),
            message,
        }
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, deleted once.
        unsafe { sys::yaml_parser_delete(&mut *self.raw) }
    }
}

fn mark_pos(m: &sys::yaml_mark_t) -> Pos {
    Pos::new(
        u32::try_from(m.line + 1).unwrap_or(u32::MAX),
        u32::try_from(m.column + 1).unwrap_or(u32::MAX),
    )
}

/// # Safety
/// `p` is null or a NUL-terminated string.
unsafe fn string(p: *const u8) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p.cast()) }.to_string_lossy().into_owned())
}

/// # Safety
/// `e` is an event libyaml filled.
unsafe fn convert(e: &sys::yaml_event_t) -> Event {
    unsafe {
        match e.type_ {
            sys::YAML_STREAM_START_EVENT => Event::StreamStart,
            sys::YAML_STREAM_END_EVENT => Event::StreamEnd,
            sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
            sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
            sys::YAML_ALIAS_EVENT => Event::Alias {
                anchor: string(e.data.alias.anchor).unwrap_or_default(),
            },
            sys::YAML_SCALAR_EVENT => {
                let s = e.data.scalar;
                let bytes = if s.value.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(s.value, s.length as usize)
                };
                Event::Scalar {
                    anchor: string(s.anchor),
                    tag: string(s.tag),
                    value: String::from_utf8_lossy(bytes).into_owned(),
                    style: match s.style {
                        sys::YAML_SINGLE_QUOTED_SCALAR_STYLE => ScalarStyle::SingleQuoted,
                        sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => ScalarStyle::DoubleQuoted,
                        sys::YAML_LITERAL_SCALAR_STYLE => ScalarStyle::Literal,
                        sys::YAML_FOLDED_SCALAR_STYLE => ScalarStyle::Folded,
                        _ => ScalarStyle::Plain,
                    },
                }
            }
            sys::YAML_SEQUENCE_START_EVENT => {
                let s = e.data.sequence_start;
                Event::SequenceStart {
                    anchor: string(s.anchor),
                    flow: s.style == sys::YAML_FLOW_SEQUENCE_STYLE,
                }
            }
            sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
            sys::YAML_MAPPING_START_EVENT => {
                let m = e.data.mapping_start;
                Event::MappingStart {
                    anchor: string(m.anchor),
                    flow: m.style == sys::YAML_FLOW_MAPPING_STYLE,
                }
            }
            sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
            // YAML_NO_EVENT comes only after the stream ended.
            _ => Event::StreamEnd,
        }
    }
}
