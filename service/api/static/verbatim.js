/* Verbatim page: a thin client of POST /v1/verify and POST /v1/check (the JSON API curl users call).

   Every string from the API is untrusted text (quotes come from anyone, articles from anywhere):
   it reaches the page only through textContent / createTextNode, never as markup, and links are
   only made from http(s) URLs. */
"use strict";

(function () {
  const API_URL = "v1/verify"; // relative, so the page also works behind a path prefix
  const CHECK_URL = "v1/check";
  const ALTERNATIVES = 3; // `limit` = the best match plus this many alternatives at most

  const VERDICTS = {
    verbatim: {
      label: "Verbatim",
      explain: "Same words in the same order as the original (case, punctuation or a cut aside).",
    },
    close: {
      label: "Close",
      explain: "Only typos, spelling variants or trivial word changes.",
    },
    altered: {
      label: "Altered",
      explain: "The source is this passage, but words were added, dropped or changed.",
    },
    not_found: {
      label: "Not found",
      explain: "No passage in our articles matches this quote.",
    },
  };

  const KINDS = {
    direct: "Direct quote, in quote marks",
    partial: "Short quoted fragment inside reported speech",
    indirect: "Reported speech, without quote marks",
    narration: "The outlet’s own words, not a quote from anyone",
  };

  const FLAGS = {
    negation: "Meaning change: negation",
    number: "Meaning change: number",
    name: "Meaning change: name",
    editorial: "Editorial insertion",
  };

  const METHODS = {
    explicit: "named next to the quote",
    pronoun: "through a pronoun",
    descriptor: "through a description",
    carry: "carried over from an earlier paragraph",
    label: "from a transcript label",
  };

  // ---------------------------------------------------------------- small DOM helpers

  /** Element with attributes and children; strings become text nodes (never parsed as HTML). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function hidden(text) {
    return el("span", { class: "visually-hidden" }, text);
  }

  /** 0.996 -> "99%", never "100%" unless certain, and "<1%" rather than "0%" unless zero. */
  function percent(value) {
    const number = Number(value);
    if (!Number.isFinite(number)) return "?";
    let rounded = Math.round(number * 100);
    if (rounded === 100 && number < 1) rounded = 99;
    if (rounded === 0 && number > 0) return "<1%";
    return `${rounded}%`;
  }

  /** Only http(s) URLs become links: a `javascript:` URL in an article record must not run. */
  function safeUrl(raw) {
    if (typeof raw !== "string" || !raw) return null;
    try {
      const url = new URL(raw, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  /** "2025-08-19" -> "19 August 2025" (read in UTC so the day never shifts); anything else as is. */
  function formatDate(iso) {
    if (typeof iso !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return iso || null;
    const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleDateString("en-GB", {
      day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
    });
  }

  // ---------------------------------------------------------------- words, as the engine sees them

  // Mirrors service/matching/normalise.py: numbers keep separators, apostrophes may sit inside words.
  const APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u2032\uff07`\u00b4";
  const WORD_RE = new RegExp(
    `\\d+(?:[.,]\\d+)+|[\\p{L}\\p{N}\\p{M}_]+(?:[${APOSTROPHES}][\\p{L}\\p{N}\\p{M}_]+)*`, "gu");
  const APOSTROPHE_RE = new RegExp(`[${APOSTROPHES}]`, "g");

  function normaliseWord(word) {
    return word.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").normalize("NFKC")
      .toLowerCase().replace(APOSTROPHE_RE, "'").replace(/(?<=\d),(?=\d{3}\b)/g, "");
  }

  /** Words of `text` with their character spans, so marks can wrap the writer's own characters. */
  function tokenize(text) {
    const tokens = [];
    for (const m of text.matchAll(WORD_RE)) {
      const norm = normaliseWord(m[0]);
      if (norm) tokens.push({ norm, start: m.index, end: m.index + m[0].length });
    }
    return tokens;
  }

  /** First index >= from where `needle` (normalised words) occurs in `tokens`, or -1. */
  function findWords(tokens, needle, from) {
    if (!needle.length) return -1;
    outer: for (let i = Math.max(0, from); i + needle.length <= tokens.length; i++) {
      for (let j = 0; j < needle.length; j++) {
        if (tokens[i + j].norm !== needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  // ---------------------------------------------------------------- highlight in the paragraph

  /**
   * Where match.text sits inside match.context (the paragraph around it), as [start, end) or null.
   * The context is the stripped paragraph, so the exact text is normally a substring; when it is
   * not (whitespace reflowed), fall back to a whitespace-insensitive search.
   */
  function locateInContext(context, text) {
    if (!context || !text) return null;
    const exact = context.indexOf(text);
    if (exact !== -1) return [exact, exact + text.length];
    const trimmed = text.trim();
    if (!trimmed) return null;
    const escaped = trimmed.split(/\s+/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const loose = new RegExp(escaped.join("\\s+"), "u").exec(context);
    return loose ? [loose.index, loose.index + loose[0].length] : null;
  }

  /**
   * Offset of match.text inside match.context when the paragraph holds those words more than once.
   * The API gives article offsets but not the paragraph's, so the first occurrence could be the
   * wrong one; the article's text (GET /v1/articles/{id}) places the paragraph exactly. Returns
   * null when the words are unique in the paragraph (the usual case: no extra request) or the
   * article cannot be read (the first occurrence is then highlighted).
   */
  async function offsetInContext(match, signal) {
    const { context, text } = match;
    const first = typeof context === "string" && text ? context.indexOf(text) : -1;
    if (first === -1 || context.indexOf(text, first + 1) === -1) return null;
    try {
      const response = await fetch(`v1/articles/${encodeURIComponent(match.article.id)}`, {
        headers: { Accept: "application/json" }, signal,
      });
      const article = response.ok ? await response.json() : null;
      const full = article?.text;
      if (typeof full !== "string" || full.slice(match.start, match.end) !== text) return null;
      const left = full.lastIndexOf(context, match.start);
      return left !== -1 && left + context.length >= match.end ? match.start - left : null;
    } catch (_) {
      return null;
    }
  }

  function contextWithHighlight(match, offset) {
    const context = typeof match.context === "string" && match.context ? match.context : match.text;
    const exact = Number.isInteger(offset) && context.slice(offset, offset + match.text.length) === match.text;
    const span = exact ? [offset, offset + match.text.length] : locateInContext(context, match.text);
    const block = el("blockquote", { class: "context", cite: safeUrl(match.article?.url) });
    if (!span) return append(block, [context]);
    return append(block, [
      context.slice(0, span[0]),
      el("mark", {}, hidden("[matched: "), context.slice(span[0], span[1]), hidden("]")),
      context.slice(span[1]),
    ]);
  }

  // ---------------------------------------------------------------- differences

  /**
   * The candidate quote with each difference shown where it happens: words the candidate changed
   * or added are struck through, the article's words (replacements, or words the candidate dropped)
   * are inserted in place. Differences carry no offsets, so they are located in order by walking
   * the candidate's words and the matched text's words together; equal stretches advance both.
   * Returns null when a difference cannot be placed (the list view below still shows it).
   */
  function inlineDiff(quote, matchedText, differences) {
    const cand = tokenize(quote);
    const orig = tokenize(matchedText || "");
    const pieces = []; // {type: "same"|"del"|"ins", ...}
    let c = 0;
    let o = 0;
    let textPos = 0; // next unconsumed character of `quote`

    /** Candidate text before token `tokenIndex` not yet emitted: an equal stretch. */
    const emitSameUpTo = (tokenIndex) => {
      const end = tokenIndex >= cand.length ? quote.length : cand[tokenIndex].start;
      if (end > textPos) pieces.push({ type: "same", text: quote.slice(textPos, end) });
      textPos = Math.max(textPos, end);
    };

    for (const diff of differences) {
      const quoteWords = tokenize(diff.quote || "").map((t) => t.norm);
      const origWords = tokenize(diff.original || "").map((t) => t.norm);
      let at; // candidate token index where the difference starts
      if (quoteWords.length) {
        at = findWords(cand, quoteWords, c);
        if (at === -1) return null;
        if (origWords.length) {
          const oAt = findWords(orig, origWords, o);
          if (oAt === -1) return null;
          o = oAt + origWords.length;
        } else {
          o += at - c; // an insertion: the equal stretch before it advanced the article too
        }
      } else if (origWords.length) {
        const oAt = findWords(orig, origWords, o);
        if (oAt === -1) return null;
        at = Math.min(cand.length, c + (oAt - o));
        o = oAt + origWords.length;
      } else {
        continue;
      }
      emitSameUpTo(at);
      if (quoteWords.length) {
        const last = cand[at + quoteWords.length - 1];
        pieces.push({ type: "del", text: quote.slice(cand[at].start, last.end), op: diff.op });
        textPos = last.end;
        c = at + quoteWords.length;
      } else {
        c = at;
      }
      if (diff.original) pieces.push({ type: "ins", text: diff.original, op: diff.op });
    }
    if (textPos < quote.length) pieces.push({ type: "same", text: quote.slice(textPos) });

    const block = el("p", { class: "inline-diff", id: "inline-diff" });
    pieces.forEach((piece, index) => {
      if (piece.type === "same") {
        append(block, [piece.text]);
        return;
      }
      const previous = pieces[index - 1];
      // A space keeps inserted original words apart from the candidate's neighbouring words.
      if (piece.type === "ins" && previous && !/\s$/.test(previous.text)) append(block, [" "]);
      if (piece.type === "del") {
        const what = piece.op === "insert" ? "[you added: " : "[you wrote: ";
        append(block, [el("del", {}, hidden(what), piece.text, hidden("]"))]);
      } else {
        const what = piece.op === "delete" ? "[you dropped: " : "[original: ";
        append(block, [el("ins", {}, hidden(what), piece.text, hidden("]"))]);
      }
      const next = pieces[index + 1];
      if (piece.type === "ins" && next && next.type === "same" && !/^[\s,.;:!?’”"')]/.test(next.text)) {
        append(block, [" "]);
      }
    });
    return block;
  }

  function changeList(differences) {
    const list = el("ul", { class: "changes", id: "changes" });
    for (const diff of differences) {
      let description;
      if (diff.op === "replace") {
        description = ["you wrote “", el("del", {}, diff.quote), "”, the original says “",
          el("ins", {}, diff.original), "”"];
      } else if (diff.op === "insert") {
        description = ["you added “", el("del", {}, diff.quote), "”, not in the original"];
      } else {
        description = ["you dropped “", el("ins", {}, diff.original), "” from the original"];
      }
      const flags = (diff.flags || []).map((flag) =>
        el("span", { class: `flag flag-${flag}` }, FLAGS[flag] || flag));
      list.appendChild(el("li", {}, description, flags));
    }
    return list;
  }

  function differencesSection(quote, result) {
    const differences = Array.isArray(result.differences) ? result.differences : [];
    if (!differences.length) return null;
    const meaningFlags = new Set(
      differences.flatMap((d) => d.flags || []).filter((flag) => flag !== "editorial"));
    const section = el("section", { class: "differences", "aria-labelledby": "differences-heading" });
    append(section, [el("h3", { id: "differences-heading" },
      `Differences from the original (${differences.length})`)]);
    if (meaningFlags.size) {
      append(section, [el("p", { class: "mismatch", id: "meaning-change" },
        "Warning: these changes alter the meaning (",
        [...meaningFlags].map((flag) => flag).join(", "), ").")]);
    }
    const inline = inlineDiff(quote, result.match?.text, differences);
    if (inline) {
      append(section, [inline, el("p", { class: "legend" },
        el("del", {}, "struck through"), " = your words that are not in the original; ",
        el("ins", {}, "underlined"), " = the original’s words.")]);
    }
    append(section, [changeList(differences)]);
    return section;
  }

  // ---------------------------------------------------------------- result

  function badge(verdict, extraClass) {
    const info = VERDICTS[verdict] || { label: String(verdict) };
    return el("span", { class: `badge badge-${verdict} ${extraClass || ""}`.trim() }, info.label);
  }

  function articleFacts(article) {
    const facts = [];
    const url = safeUrl(article?.url);
    const title = article?.title || "(untitled article)";
    facts.push(["Article", url
      ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", id: "article-link" },
        title, hidden(" (opens in a new tab)"))
      : el("span", { id: "article-title" }, title)]);
    if (article?.source) facts.push(["Outlet", el("span", { id: "article-source" }, article.source)]);
    if (article?.published) {
      facts.push(["Published", el("time", { datetime: article.published, id: "article-date" },
        formatDate(article.published))]);
    }
    return facts;
  }

  function speakerFact(speaker) {
    if (!speaker) return el("span", { id: "speaker-name", class: "warn" }, "Not attributed to anyone in the article");
    const parts = [el("strong", { id: "speaker-name" }, speaker.name)];
    const details = [];
    if (speaker.mention?.text && speaker.mention.text !== speaker.name) {
      details.push(`the article says “${speaker.mention.text}”`);
    }
    if (speaker.method && METHODS[speaker.method]) details.push(METHODS[speaker.method]);
    if (speaker.confidence !== undefined) details.push(`${percent(speaker.confidence)} sure`);
    if (details.length) parts.push(el("span", { class: "meta" }, ` (${details.join("; ")})`));
    return el("span", {}, parts);
  }

  function claimedFact(claimed, speaker) {
    if (!claimed) return null;
    if (claimed.matches) {
      return el("span", { id: "claimed-speaker", class: "ok" },
        `✓ Matches: “${claimed.name}” is the speaker`);
    }
    const who = speaker ? `the article attributes it to ${speaker.name}` : "the article names no speaker";
    return el("span", { id: "claimed-speaker", class: "mismatch" },
      `✗ Does not match: you said “${claimed.name}”, ${who}`);
  }

  /**
   * "in 3 articles; earliest: <title> (outlet, date)" when other articles hold the match's words
   * (syndicated copies, a much-repeated phrase), the earliest linked to its article view with the
   * passage highlighted; null when only this article holds them.
   */
  function copiesFact(match) {
    const count = Number(match.copies);
    if (!Number.isInteger(count) || count < 2) return null;
    const parts = [`in ${count} articles`];
    const earliest = match.earliest;
    if (earliest?.article) {
      const article = earliest.article;
      const same = article.id === match.article?.id;
      const meta = [same ? null : article.source, formatDate(article.published)]
        .filter(Boolean).join(", ");
      parts.push("; earliest: ",
        el("a", { href: articleViewUrl(earliest), id: "earliest-link" },
          same ? "this article" : article.title || "(untitled article)"),
        meta ? ` (${meta})` : "");
    } else {
      parts.push(" (none of them dated)");
    }
    return el("span", { id: "copies" }, parts);
  }

  function factList(rows) {
    const dl = el("dl", { class: "facts" });
    for (const [term, value] of rows) append(dl, [el("dt", {}, term), el("dd", {}, value)]);
    return dl;
  }

  /** Each alternative is a match too: its citation (shown, to be copied) and its article view. */
  function alternativeCitation(alt) {
    const text = citationText(alt, alt.speaker);
    const citation = el("p", { class: "citation alt-citation" }, text);
    return el("div", { class: "alt-cite" }, citation, copyButton(text, citation), " ",
      el("a", { href: articleViewUrl(alt), class: "alt-view-link" }, "Read the passage in the article"));
  }

  function alternativesSection(alternatives) {
    if (!Array.isArray(alternatives) || !alternatives.length) return null;
    const list = el("ol", { class: "alternatives", id: "alternatives" });
    for (const alt of alternatives) {
      const article = alt.article || {};
      const url = safeUrl(article.url);
      const title = article.title || "(untitled article)";
      const meta = [article.source, formatDate(article.published)].filter(Boolean).join(", ");
      append(list, [el("li", {},
        el("div", { class: "verdict-line" }, badge(alt.verdict),
          el("span", { class: "confidence" }, `${percent(alt.confidence)} confidence`)),
        el("div", {}, url
          ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "alt-article-link" },
            title, hidden(" (opens in a new tab)"))
          : title, meta ? el("span", { class: "meta" }, ` — ${meta}`) : null),
        el("p", { class: "alt-text" }, `“${alt.text}”`,
          el("span", { class: "meta" }, alt.speaker ? ` — ${alt.speaker.name}` : " — speaker unknown")),
        alternativeCitation(alt),
      )]);
    }
    return el("section", { "aria-labelledby": "alternatives-heading" },
      el("h3", { id: "alternatives-heading" }, "Other places with these words"), list);
  }

  function renderNotFound(result) {
    const rows = [];
    const claimed = claimedFact(result.claimed_speaker, null);
    if (claimed) rows.push(["Attributed to", claimed]);
    return [
      el("div", { class: "verdict-line" }, badge("not_found"),
        el("p", { class: "verdict-explain" }, VERDICTS.not_found.explain)),
      el("div", { class: "not-found", id: "not-found" },
        el("p", {}, el("strong", {}, "We could not find this quote in any article we hold.")),
        el("p", {}, "That does not mean it was never said: only that it is not in our articles. "
          + "Check the wording, or try a shorter, distinctive part of it.")),
      rows.length ? factList(rows) : null,
    ];
  }

  // ---------------------------------------------------------------- citations

  /** The article view on this service, the passage highlighted: a stable address for any match. */
  function articleViewUrl(match) {
    const id = encodeURIComponent(match.article?.id ?? "");
    const path = `articles/${id}?start=${Number(match.start)}&end=${Number(match.end)}`;
    return new URL(path, window.location.href).href;
  }

  /**
   * One line a journalist can paste: speaker, the quote as the article published it, outlet,
   * title, date and the article's URL (or, without one, this service's article view).
   */
  function citationText(match, speaker) {
    const article = match.article || {};
    const where = [article.source, article.title ? `“${article.title}”` : null,
      formatDate(article.published)].filter(Boolean).join(", ");
    const url = safeUrl(article.url) || articleViewUrl(match);
    return `${speaker?.name || "Unattributed"}: “${match.text}”${where ? ` (${where})` : ""}. ${url}`;
  }

  /** A "Copy citation" button for `citation` (the element showing the text) and its status. */
  function copyButton(text, citation, ids) {
    const button = el("button", { type: "button", class: "copy-citation", id: ids?.button },
      "Copy citation");
    const done = el("span", { class: "meta", id: ids?.status, role: "status" });
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text);
        done.textContent = " Copied.";
      } catch (_) {
        // No clipboard access (permissions, insecure origin): select the text for a manual copy.
        window.getSelection()?.selectAllChildren(citation);
        done.textContent = " Could not copy: the citation is selected, press Ctrl+C.";
      }
    });
    return [button, done];
  }

  function citationSection(result) {
    const text = citationText(result.match, result.speaker);
    const citation = el("p", { class: "citation", id: "citation" }, text);
    return el("section", { class: "citation-section", "aria-labelledby": "citation-heading" },
      el("h3", { id: "citation-heading" }, "Citation"), citation,
      copyButton(text, citation, { button: "copy-citation", status: "citation-status" }),
      el("p", {}, el("a", { href: articleViewUrl(result.match), id: "article-view-link" },
        "Read the passage in the article")));
  }

  /**
   * The wrong speaker, stated in the verdict line (the facts below it are off the first screen of
   * a phone): `note` is the draft's wording; a single quote's claimed speaker gets its own.
   */
  function misattributionLine(result, note) {
    if (note) return el("p", { class: "mismatch verdict-explain", id: "detail-misattributed" }, note);
    const claimed = result.claimed_speaker;
    if (!claimed || claimed.matches) return null;
    const who = result.speaker
      ? `the article attributes it to ${result.speaker.name}` : "the article names no speaker";
    return el("p", { class: "mismatch verdict-explain", id: "verdict-misattributed" },
      `Attributed to the wrong person: you said ${claimed.name}, ${who}.`);
  }

  function renderFound(quote, result, contextOffset, misattributed) {
    const match = result.match;
    const verdict = VERDICTS[result.verdict] || VERDICTS.altered;
    const rows = [["Speaker", speakerFact(result.speaker)]];
    const claimed = claimedFact(result.claimed_speaker, result.speaker);
    if (claimed) rows.push(["Attributed to", claimed]);
    rows.push(...articleFacts(match.article));
    const copies = copiesFact(match);
    if (copies) rows.push(["Same words", copies]);
    if (KINDS[match.kind]) rows.push(["Passage", el("span", { id: "passage-kind" }, KINDS[match.kind])]);
    return [
      el("div", { class: "verdict-line" },
        badge(result.verdict),
        el("span", { class: "confidence", id: "confidence" }, `${percent(result.confidence)} confidence`),
        el("p", { class: "verdict-explain" }, verdict.explain),
        misattributionLine(result, misattributed)),
      factList(rows),
      el("h3", {}, "Original paragraph"),
      contextWithHighlight(match, contextOffset),
      differencesSection(quote, result),
      citationSection(result),
      alternativesSection(result.alternatives),
    ];
  }

  function summary(result) {
    const verdict = VERDICTS[result.verdict]?.label || result.verdict;
    if (result.verdict === "not_found" || !result.match) {
      return "Not found: no article we hold contains this quote.";
    }
    const who = result.speaker ? `, said by ${result.speaker.name}` : "";
    const where = result.match.article?.title ? `, in “${result.match.article.title}”` : "";
    const changes = result.differences?.length ? `, ${result.differences.length} difference(s)` : "";
    const wrong = result.claimed_speaker && !result.claimed_speaker.matches
      ? `; not said by ${result.claimed_speaker.name}` : "";
    return `${verdict}, ${percent(result.confidence)} confidence${who}${where}${changes}${wrong}.`;
  }

  // ---------------------------------------------------------------- drafts

  const DOUBLE_QUOTED = /["\u201c\u201e\u00ab][^"\u201c\u201d\u201e\u00ab\u00bb]+["\u201d\u00bb]/gu;

  /**
   * The page's rule (stated next to the box): a draft has a passage in double quote marks and at
   * least three words outside them (narration); a bare sentence, quoted or not, is one quote.
   */
  function looksLikeDraft(text) {
    if (!text.match(DOUBLE_QUOTED)) return false;
    return tokenize(text.replace(DOUBLE_QUOTED, " ")).length >= 3;
  }

  function misattributionNote(quote) {
    const speaker = quote.result?.speaker?.name;
    const who = speaker ? `the article attributes it to ${speaker}` : "the article names no speaker";
    return `Attributed to the wrong person: the draft says ${quote.claimed_speaker}, ${who}.`;
  }

  /** "4 quotes: 2 verbatim, 1 altered, 1 not found; 1 attributed to the wrong person." */
  function draftSummaryText(body) {
    const s = body.summary || {};
    const n = body.quotes.length;
    if (!n) return "No quotes found in the draft: only passages in quote marks are checked.";
    const counts = [["verbatim", "verbatim"], ["close", "close"], ["altered", "altered"],
      ["not_found", "not found"]].filter(([key]) => s[key]).map(([key, word]) => `${s[key]} ${word}`);
    const wrong = s.misattributed
      ? `; ${s.misattributed} attributed to the wrong person` : "";
    return `${n} ${n === 1 ? "quote" : "quotes"}: ${counts.join(", ")}${wrong}.`;
  }

  function quoteLabel(quote) {
    const label = VERDICTS[quote.result.verdict]?.label || quote.result.verdict;
    return quote.misattributed ? `${label}; wrong speaker` : label;
  }

  function quoteDetail(quote, index, count) {
    const result = quote.result;
    const found = result.verdict !== "not_found" && result.match;
    return [
      el("h3", { id: "quote-detail-heading", tabindex: "-1" }, `Quote ${index + 1} of ${count}`),
      ...(found
        ? renderFound(quote.text, result, null, quote.misattributed ? misattributionNote(quote) : null)
        : renderNotFound(result)),
    ].filter(Boolean);
  }

  function renderDraft(text, body) {
    const quotes = body.quotes;
    const summaryLine = el("p", { class: "draft-summary", id: "draft-summary", tabindex: "-1" },
      draftSummaryText(body));
    const nodes = [summaryLine];
    if (body.truncated) {
      nodes.push(el("p", { class: "notice", id: "draft-truncated" },
        `Only the first ${quotes.length} of ${body.total} quotes were checked.`));
    }
    const detail = el("section", { class: "quote-detail", id: "quote-detail",
      "aria-labelledby": "quote-detail-heading", hidden: true });
    const draft = el("p", { class: "draft-text", id: "draft-text" });
    const buttons = [];
    let at = 0;
    quotes.forEach((quote, index) => {
      if (quote.start < at) return; // overlapping spans cannot be marked twice
      append(draft, [text.slice(at, quote.start)]);
      // A span, not a <button>: a button is an inline block and would break the draft's lines.
      const button = el("span", {
        role: "button",
        tabindex: "0",
        class: `quote-mark quote-${quote.result.verdict}${quote.misattributed ? " quote-misattributed" : ""}`,
        "aria-expanded": "false",
        "aria-controls": "quote-detail",
        "data-verdict": quote.result.verdict,
      }, text.slice(quote.start, quote.end),
      el("span", { class: "quote-label" }, `[${quoteLabel(quote)}]`));
      button.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          button.click();
        }
      });
      button.addEventListener("click", () => {
        const open = button.getAttribute("aria-expanded") === "true";
        for (const other of buttons) other.setAttribute("aria-expanded", "false");
        if (open) {
          detail.hidden = true;
          detail.replaceChildren();
          return;
        }
        button.setAttribute("aria-expanded", "true");
        detail.replaceChildren(...quoteDetail(quote, index, quotes.length));
        detail.hidden = false;
        // Heading at the top: the verdict and any wrong speaker under it are on screen, which
        // focusing alone (it scrolls just enough to show the heading) does not ensure.
        const heading = document.getElementById("quote-detail-heading");
        heading.focus({ preventScroll: true });
        heading.scrollIntoView({ block: "start" });
      });
      buttons.push(button);
      append(draft, [button]);
      at = quote.end;
    });
    append(draft, [text.slice(at)]);
    if (quotes.length) {
      nodes.push(el("p", { class: "hint" },
        "Each quote is marked with its verdict; select one to see the original, the speaker and the source."));
      nodes.push(draft, detail);
    }
    return nodes;
  }

  // ---------------------------------------------------------------- the form

  function init() {
    const form = document.getElementById("verify-form");
    const quoteField = document.getElementById("quote");
    const speakerField = document.getElementById("speaker");
    const button = document.getElementById("submit");
    const status = document.getElementById("status");
    const problem = document.getElementById("problem");
    const resultSection = document.getElementById("result");
    const resultBody = document.getElementById("result-body");
    const fields = { quote: quoteField, speaker: speakerField };
    let inFlight = null;

    if (/Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)) {
      const key = document.querySelector("#shortcut-hint kbd");
      if (key) key.textContent = "⌘";
    }

    function clearFieldErrors() {
      for (const [name, field] of Object.entries(fields)) {
        field.removeAttribute("aria-invalid");
        const message = document.getElementById(`${name}-error`);
        message.textContent = "";
        message.hidden = true;
      }
    }

    function showFieldError(name, messages) {
      const field = fields[name];
      const message = document.getElementById(`${name}-error`);
      message.textContent = messages.join(" ");
      message.hidden = false;
      field.setAttribute("aria-invalid", "true");
    }

    function showProblem(title, detail) {
      problem.replaceChildren(el("p", {}, el("strong", {}, title)), detail ? el("p", {}, detail) : null);
      problem.hidden = false;
    }

    function setBusy(busy) {
      button.disabled = busy;
      button.textContent = busy ? "Checking…" : "Check quote";
      form.setAttribute("aria-busy", String(busy));
      resultSection.setAttribute("aria-busy", String(busy));
    }

    /** 422: put each field's messages next to the field; anything else goes in the problem box. */
    function showValidation(body) {
      const byField = body?.errors?.json || {};
      const other = [];
      let first = null;
      for (const [name, messages] of Object.entries(byField)) {
        const list = Array.isArray(messages) ? messages.map(String) : [JSON.stringify(messages)];
        if (fields[name]) {
          showFieldError(name, list);
          first = first || fields[name];
        } else {
          other.push(`${name}: ${list.join(" ")}`);
        }
      }
      if (other.length || !first) {
        showProblem("The request was not accepted.", other.join(" ") || body?.detail || null);
      }
      status.textContent = first ? "Please correct the highlighted field." : "";
      if (first) first.focus();
    }

    function showHttpProblem(response, body) {
      const requestId = body?.request_id || response.headers.get("X-Request-ID");
      const ref = requestId ? ` (request id ${requestId})` : "";
      if ([502, 503, 504].includes(response.status)) {
        showProblem("The Verbatim service is unavailable right now.",
          "It may still be loading its articles, or be down. Try again in a minute." + ref);
      } else if (response.status === 413) {
        showProblem("The quote is too long for the service.", body?.detail || null);
      } else {
        showProblem(`The service answered with an error (${response.status}).`,
          (body?.detail || body?.title || "") + ref);
      }
      status.textContent = "The check failed.";
    }

    async function submit() {
      if (inFlight) inFlight.abort();
      const controller = new AbortController();
      inFlight = controller;
      clearFieldErrors();
      problem.hidden = true;
      problem.replaceChildren();
      resultSection.hidden = true;
      resultBody.replaceChildren();
      setBusy(true);

      const quote = quoteField.value;
      const mode = form.querySelector("input[name=mode]:checked")?.value || "auto";
      const asDraft = mode === "draft" || (mode === "auto" && looksLikeDraft(quote));
      const payload = asDraft ? { text: quote, limit: ALTERNATIVES + 1 }
        : { quote, limit: ALTERNATIVES + 1 };
      if (!asDraft && speakerField.value.trim()) payload.speaker = speakerField.value;
      status.textContent = asDraft ? "Checking every quote in the draft…" : "Checking the quote…";

      let response;
      let body = null;
      try {
        response = await fetch(asDraft ? CHECK_URL : API_URL, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(payload),
          signal: controller.signal,
        });
        const type = response.headers.get("Content-Type") || "";
        if (type.includes("json")) body = await response.json();
      } catch (error) {
        if (controller.signal.aborted) return;
        showProblem("Could not reach the Verbatim service.",
          "Check your network connection and try again.");
        status.textContent = "The check failed: the service could not be reached.";
        setBusy(false);
        inFlight = null;
        return;
      }
      const found = !asDraft && response.ok && body && body.verdict !== "not_found" && body.match;
      const contextOffset = found ? await offsetInContext(body.match, controller.signal) : null;
      if (controller.signal.aborted) return;
      inFlight = null;
      setBusy(false);

      if (response.status === 422) {
        const errors = body?.errors?.json;
        if (asDraft && errors?.text) {
          errors.quote = errors.text; // the draft is the quote field's text
          delete errors.text;
        }
        showValidation(body);
      } else if (asDraft && response.ok && Array.isArray(body?.quotes)) {
        resultBody.replaceChildren(...renderDraft(quote, body));
        resultSection.dataset.verdict = "draft";
        resultSection.hidden = false;
        status.textContent = draftSummaryText(body);
        // The summary line (and any misattribution in it) comes into view first, even on a phone.
        const line = document.getElementById("draft-summary");
        line.focus({ preventScroll: true });
        line.scrollIntoView({ block: "start" });
      } else if (!response.ok || !body) {
        showHttpProblem(response, body);
      } else {
        resultBody.replaceChildren(
          ...(found ? renderFound(quote, body, contextOffset) : renderNotFound(body)).filter(Boolean));
        resultSection.dataset.verdict = body.verdict;
        resultSection.hidden = false;
        status.textContent = summary(body);
      }
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });

    // Ctrl+Enter (Cmd+Enter on a Mac) submits from either field, as in most editors and mail apps.
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !button.disabled) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit(button) : submit();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
