"""Examples for every request and response in the OpenAPI document.

They are real answers of the service on the bundled corpus, not invented shapes: a test sends
each request example to the app and compares the answer with the response example
(tests/api/test_openapi_clients.py), so the documentation cannot drift from the behaviour.
"""

from __future__ import annotations

from typing import Any

SEED_ARTICLE_REF: dict[str, Any] = {
    "id": "itv-2025-08-19-trump-rules-out-sending-troops-to-ukraine",
    "title": "Trump rules out sending troops to Ukraine, even if UK and Europe put boots on the "
    "ground",
    "source": "ITV News",
    "url": None,
    "published": "2025-08-19",
}

# The seed story's "willing to put people on the ground" passage and who said it, as answered.
SEED_MATCH: dict[str, Any] = {
    "text": "They’re willing to put people on the ground",
    "start": 641,
    "end": 684,
    "article": SEED_ARTICLE_REF,
    "context": "“They’re willing to put people on the ground,” Trump said.",
    "kind": "direct",
    "copies": 1,
    "earliest": {"article": SEED_ARTICLE_REF, "start": 641, "end": 684},
}

SEED_SPEAKER: dict[str, Any] = {
    "name": "Donald Trump",
    "mention": {"text": "Trump", "start": 687, "end": 692},
    "confidence": 0.97,
    "method": "explicit",
}

VERIFY_REQUEST: dict[str, Any] = {
    "quote": "They are willing to put people on the ground",
    "speaker": "Trump",
    "limit": 1,
}

VERIFY_RESPONSE: dict[str, Any] = {
    "verdict": "close",
    "confidence": 0.999,
    "match": SEED_MATCH,
    "speaker": SEED_SPEAKER,
    "claimed_speaker": {"name": "Trump", "matches": True},
    "differences": [
        {"op": "replace", "quote": "They are", "original": "They’re", "flags": ["contraction"]}
    ],
    "alternatives": [],
}

NOT_FOUND_REQUEST: dict[str, Any] = {
    "quote": "We will send ten thousand troops to Kyiv tomorrow",
    "limit": 1,
}

NOT_FOUND_RESPONSE: dict[str, Any] = {
    "verdict": "not_found",
    "confidence": 0.0,
    "match": None,
    "speaker": None,
    "claimed_speaker": None,
    "differences": [],
    "alternatives": [],
}

VERIFY_BATCH_REQUEST: dict[str, Any] = {"items": [VERIFY_REQUEST, NOT_FOUND_REQUEST]}
VERIFY_BATCH_RESPONSE: dict[str, Any] = {"results": [VERIFY_RESPONSE, NOT_FOUND_RESPONSE]}

EXTRACT_REQUEST: dict[str, Any] = {
    "text": "“We have made real progress,” Keir Starmer said on Thursday. "
    "“We will keep going,” he added.",
    "title": "Starmer hails progress",
}

EXTRACT_RESPONSE: dict[str, Any] = {
    "quotes": [
        {
            "text": "We have made real progress,",
            "start": 1,
            "end": 28,
            "kind": "direct",
            "speaker": {
                "name": "Keir Starmer",
                "mention": {"text": "Keir Starmer", "start": 30, "end": 42},
                "confidence": 0.97,
                "method": "explicit",
            },
        },
        {
            "text": "We will keep going,",
            "start": 62,
            "end": 81,
            "kind": "direct",
            "speaker": {
                "name": "Keir Starmer",
                "mention": {"text": "he", "start": 83, "end": 85},
                "confidence": 0.88,
                "method": "pronoun",
            },
        },
    ]
}

ARTICLE_REQUEST: dict[str, Any] = {
    "title": "Starmer hails progress on Ukraine",
    "text": "“We have made real progress,” Keir Starmer said on Thursday.",
    "source": "Example News",
    "url": "https://news.example.org/starmer-progress",
    "published": "2025-08-21",
}

ARTICLE_RESPONSE: dict[str, Any] = {
    "id": "starmer-hails-progress-on-ukraine",
    "title": "Starmer hails progress on Ukraine",
    "source": "Example News",
    "url": "https://news.example.org/starmer-progress",
    "published": "2025-08-21",
    "licence": None,
    "credit": None,
    "quote_count": 1,
    "text": "“We have made real progress,” Keir Starmer said on Thursday.",
    "quotes": [
        {
            "text": "We have made real progress,",
            "start": 1,
            "end": 28,
            "kind": "direct",
            "speaker": {
                "name": "Keir Starmer",
                "mention": {"text": "Keir Starmer", "start": 30, "end": 42},
                "confidence": 0.97,
                "method": "explicit",
            },
        }
    ],
}

ARTICLE_PAGE_RESPONSE: dict[str, Any] = {
    "items": [
        {
            **{k: v for k, v in ARTICLE_RESPONSE.items() if k not in ("text", "quotes")},
        }
    ],
    "total": 1,
    "offset": 0,
    "limit": 50,
}

LIVEZ_RESPONSE: dict[str, Any] = {"status": "ok"}

READYZ_RESPONSE: dict[str, Any] = {
    "status": "ready",
    "articles": 300,
    "store": {"backend": "sqlite", "reachable": True, "schema_version": 1},
    "index": {"articles": 300, "generation": 1, "pending": 0},
}

READYZ_UNAVAILABLE_RESPONSE: dict[str, Any] = {
    "status": "unavailable",
    "articles": 300,
    "store": {
        "backend": "postgresql",
        "reachable": False,
        "schema_version": None,
        "error": "OperationalError: connection refused",
    },
    "index": {"articles": 300, "generation": 41, "pending": 0},
}

VERSION_RESPONSE: dict[str, Any] = {"version": "1.0.0", "articles": 300, "generation": 1}

_REQUEST_ID = "7dc88858ce3c4b7faddfd66b6e546503"


def _problem(status: int, title: str, detail: str, instance: str, **extra: Any) -> dict:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return {**body, "instance": instance, **extra, "request_id": _REQUEST_ID}


# One example problem per documented error status, as the service words it.
PROBLEMS: dict[int, dict[str, Any]] = {
    400: _problem(
        400,
        "Bad Request",
        "The request body is not valid JSON.",
        "/v1/verify",
        errors={"json": ["Invalid JSON body."]},
    ),
    401: _problem(
        401,
        "Unauthorized",
        "Send 'Authorization: Bearer <key>' to write articles.",
        "/v1/articles",
    ),
    403: _problem(
        403,
        "Forbidden",
        "Writes are disabled: this server has no API key. Start it with VERBATIM_API_KEY set "
        "to a long random secret, then send 'Authorization: Bearer <that key>' with each write.",
        "/v1/articles",
    ),
    404: _problem(
        404,
        "Not Found",
        "No article with id 'no-such-article'.",
        "/v1/articles/no-such-article",
    ),
    409: _problem(
        409,
        "Conflict",
        "An article with id 'starmer-hails-progress-on-ukraine' already exists; use PUT "
        "/v1/articles/{id} to replace it.",
        "/v1/articles",
    ),
    413: _problem(
        413,
        "Request Entity Too Large",
        "The request body is larger than this service accepts (VERBATIM_MAX_BODY).",
        "/v1/verify",
    ),
    415: _problem(
        415,
        "Unsupported Media Type",
        "Send the body as JSON with Content-Type: application/json.",
        "/v1/verify",
    ),
    422: _problem(
        422,
        "Unprocessable Entity",
        "The request is well-formed JSON but some fields are invalid; see `errors`.",
        "/v1/verify",
        errors={"json": {"quote": ["Length must be between 1 and 2000."]}},
    ),
    500: _problem(
        500,
        "Internal Server Error",
        "Something went wrong on our side. The request id identifies it in our logs.",
        "/v1/verify",
    ),
    503: _problem(
        503,
        "Service Unavailable",
        "The article store is unreachable (the database is down or restarting). "
        "Retry in a few seconds.",
        "/v1/verify",
    ),
    507: _problem(
        507,
        "Insufficient Storage",
        "The store is full: this write was not stored, and nothing stored before it was lost. "
        "Reads still work; retry the write once the operator has freed disk space.",
        "/v1/articles",
    ),
}


# A draft that gives Trump's words to Starmer: found verbatim, misattributed.
CHECK_REQUEST: dict[str, Any] = {
    "text": "“They’re willing to put people on the ground,” Starmer said.",
    "limit": 1,
}

CHECK_RESPONSE: dict[str, Any] = {
    "quotes": [
        {
            "text": "They’re willing to put people on the ground,",
            "start": 1,
            "end": 45,
            "kind": "direct",
            "claimed_speaker": "Starmer",
            "misattributed": True,
            "result": {
                "verdict": "verbatim",
                "confidence": 0.9985,
                "match": SEED_MATCH,
                "speaker": SEED_SPEAKER,
                "claimed_speaker": {"name": "Starmer", "matches": False},
                "differences": [],
                "alternatives": [],
            },
        }
    ],
    "summary": {"verbatim": 1, "close": 0, "altered": 0, "not_found": 0, "misattributed": 1},
    "total": 1,
    "truncated": False,
}
