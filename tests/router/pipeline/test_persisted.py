"""Persisted operations: APQ (register, hit, not found, mismatch, off), the safelist (by body,
by id, refused), the byte bound of the APQ store, and the manifest format."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from contracts.persisted import parse_manifest, query_hash
from router.errors import (
    BAD_REQUEST,
    CANNOT_SEND_PQ_ID_AND_BODY,
    PERSISTED_QUERY_HASH_MISMATCH,
    PERSISTED_QUERY_ID_REQUIRED,
    PERSISTED_QUERY_NOT_FOUND,
    PERSISTED_QUERY_NOT_IN_LIST,
    PERSISTED_QUERY_NOT_SUPPORTED,
    QUERY_NOT_IN_SAFELIST,
    RequestError,
)
from router.pipeline.context import GraphQLRequest, RequestContext
from router.pipeline.persisted import (
    PersistedConfig,
    PersistedOperations,
    PersistedStage,
)

ME = "query Me { me { id } }"
ME_HASH = hashlib.sha256(ME.encode()).hexdigest()


def apq(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def refusal(operations: PersistedOperations, query: str | None, **extensions: Any) -> RequestError:
    with pytest.raises(RequestError) as caught:
        operations.resolve(query, extensions)
    return caught.value


# --- APQ -------------------------------------------------------------------------------------


def test_apq_hash_only_is_not_found_until_registered_then_hits() -> None:
    operations = PersistedOperations(PersistedConfig())
    missing = refusal(operations, None, **apq(ME_HASH))
    assert (missing.code, missing.message, missing.status) == (
        PERSISTED_QUERY_NOT_FOUND,
        "PersistedQueryNotFound",
        200,
    )
    assert missing.headers["cache-control"].startswith("private, no-cache")
    # the client retries with the text: verified, stored, used
    assert operations.resolve(ME, apq(ME_HASH)) == ME
    assert operations.resolve(None, apq(ME_HASH)) == ME
    assert operations.resolve(None, apq(ME_HASH.upper())) == ME  # hex is case-insensitive
    assert operations.resolve("", apq(ME_HASH)) == ME  # GET with an empty query parameter


def test_apq_refuses_a_text_that_does_not_match_its_hash_and_stores_nothing() -> None:
    operations = PersistedOperations(PersistedConfig())
    other = "query Other { me { email } }"
    mismatch = refusal(operations, other, **apq(ME_HASH))
    assert (mismatch.code, mismatch.message, mismatch.status) == (
        PERSISTED_QUERY_HASH_MISMATCH,
        "provided sha does not match query",
        400,
    )
    # the poisoned hash did not register the other text
    assert refusal(operations, None, **apq(ME_HASH)).code == PERSISTED_QUERY_NOT_FOUND


def test_apq_over_get_as_apollo_client_sends_it() -> None:
    operations = PersistedOperations(PersistedConfig())
    operations.resolve(ME, apq(ME_HASH))
    # GET /graphql?operationName=Me&extensions=... with no query parameter
    url = "/graphql?" + urlencode(
        {"operationName": "Me", "extensions": json.dumps(apq(ME_HASH), separators=(",", ":"))}
    )
    params = parse_qs(urlsplit(url).query)
    extensions = json.loads(params["extensions"][0])
    assert "query" not in params
    assert operations.resolve(None, extensions) == ME


def test_apq_off_answers_not_supported_so_clients_send_text() -> None:
    operations = PersistedOperations(PersistedConfig(apq=False))
    refused = refusal(operations, ME, **apq(ME_HASH))
    assert (refused.code, refused.message, refused.status) == (
        PERSISTED_QUERY_NOT_SUPPORTED,
        "PersistedQueryNotSupported",
        200,
    )
    assert operations.resolve(ME, {}) == ME


@pytest.mark.parametrize(
    "extension",
    [
        "abc",
        {"version": 2, "sha256Hash": ME_HASH},
        {"version": 1},
        {"version": 1, "sha256Hash": 5},
    ],
)
def test_a_malformed_persisted_query_extension_is_a_bad_request(extension: Any) -> None:
    operations = PersistedOperations(PersistedConfig())
    assert refusal(operations, ME, persistedQuery=extension).code == BAD_REQUEST


def test_no_query_and_no_hash_is_a_bad_request() -> None:
    operations = PersistedOperations(PersistedConfig())
    assert refusal(operations, None).code == BAD_REQUEST
    assert operations.resolve(ME, {}) == ME


# --- the byte-bounded store ------------------------------------------------------------------


def test_the_store_is_bounded_in_bytes_and_evicts_the_least_recently_used() -> None:
    texts = [f"query Q{i} {{ me {{ id }} }}" for i in range(3)]  # 22 bytes each
    size = len(texts[0].encode())
    operations = PersistedOperations(PersistedConfig(max_bytes=2 * size))
    for text in texts[:2]:
        operations.resolve(text, apq(query_hash(text)))
    operations.resolve(None, apq(query_hash(texts[0])))  # Q0 is now the most recent
    operations.resolve(texts[2], apq(query_hash(texts[2])))  # evicts Q1
    assert operations.store.weight == 2 * size
    assert operations.resolve(None, apq(query_hash(texts[0]))) == texts[0]
    assert operations.resolve(None, apq(query_hash(texts[2]))) == texts[2]
    assert refusal(operations, None, **apq(query_hash(texts[1]))).code == PERSISTED_QUERY_NOT_FOUND


def test_one_large_text_evicts_many_small_ones_and_a_too_large_one_is_not_kept() -> None:
    small = [f"query Q{i} {{ a }}" for i in range(10)]  # 14 bytes each
    operations = PersistedOperations(PersistedConfig(max_bytes=140))
    for text in small:
        operations.resolve(text, apq(query_hash(text)))
    assert (len(operations.store), operations.store.weight) == (10, 140)
    large = "query Large { " + "a " * 40 + "}"  # 95 bytes: the seven oldest make room
    operations.resolve(large, apq(query_hash(large)))
    assert (len(operations.store), operations.store.weight) == (4, 95 + 3 * 14)
    assert refusal(operations, None, **apq(query_hash(small[6]))).code == PERSISTED_QUERY_NOT_FOUND
    assert operations.resolve(None, apq(query_hash(small[7]))) == small[7]
    huge = "query Huge { " + "a " * 80 + "}"  # 174 bytes, more than the whole store
    assert operations.resolve(huge, apq(query_hash(huge))) == huge  # answered, not kept
    assert refusal(operations, None, **apq(query_hash(huge))).code == PERSISTED_QUERY_NOT_FOUND
    operations.resolve(large, apq(query_hash(large)))  # registering again does not count twice
    assert operations.store.weight == 95 + 3 * 14


def test_a_multibyte_text_weighs_its_utf8_bytes() -> None:
    text = 'query { search(q: "ééé") }'
    operations = PersistedOperations(PersistedConfig())
    operations.resolve(text, apq(query_hash(text)))
    assert operations.store.weight == len(text.encode()) == len(text) + 3


# --- the safelist ----------------------------------------------------------------------------

LOGIN = "mutation Login($e: String!) { login(email: $e) { accessToken } }"


def manifest(*bodies: str) -> dict[str, Any]:
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {
                "id": query_hash(b),
                "name": b.split()[1].split("(")[0],
                "type": b.split()[0],
                "body": b,
            }
            for b in bodies
        ],
    }


@pytest.fixture
def safelist_path(tmp_path: Path) -> str:
    path = tmp_path / "persisted-queries.json"
    path.write_text(json.dumps(manifest(ME, LOGIN)), encoding="utf-8")
    return str(path)


def test_safelist_accepts_a_listed_body_exactly(safelist_path: str) -> None:
    operations = PersistedOperations(PersistedConfig(apq=False, safelist_path=safelist_path))
    assert operations.resolve(ME, {}) == ME
    assert operations.resolve(LOGIN, {}) == LOGIN


def test_safelist_refuses_an_unlisted_body_even_reformatted(safelist_path: str) -> None:
    operations = PersistedOperations(PersistedConfig(apq=False, safelist_path=safelist_path))
    for query in ("query Me { me { id email } }", "query Me {\n  me { id }\n}"):
        refused = refusal(operations, query)
        assert (refused.code, refused.status) == (QUERY_NOT_IN_SAFELIST, 403)
        assert refused.message == "The operation body was not found in the persisted query safelist"


def test_safelist_accepts_a_listed_id_as_apollos_link_sends_it(safelist_path: str) -> None:
    operations = PersistedOperations(PersistedConfig(apq=False, safelist_path=safelist_path))
    assert operations.resolve(None, apq(query_hash(LOGIN))) == LOGIN
    assert operations.resolve(None, {}, document_id=query_hash(ME)) == ME


def test_safelist_refuses_an_unlisted_id(safelist_path: str) -> None:
    operations = PersistedOperations(PersistedConfig(apq=False, safelist_path=safelist_path))
    unknown = "0" * 64
    refused = refusal(operations, None, **apq(unknown))
    assert (refused.code, refused.status) == (PERSISTED_QUERY_NOT_IN_LIST, 404)
    assert refused.message == f"Persisted query '{unknown}' not found in the persisted query list"
    # and does not fall back to registering it
    other = "query Other { me { email } }"
    assert refusal(operations, other, **apq(query_hash(other))).code == CANNOT_SEND_PQ_ID_AND_BODY


def test_require_id_refuses_any_body_but_accepts_ids(safelist_path: str) -> None:
    config = PersistedConfig(apq=False, safelist_path=safelist_path, require_id=True)
    operations = PersistedOperations(config)
    refused = refusal(operations, ME)
    assert (refused.code, refused.status) == (PERSISTED_QUERY_ID_REQUIRED, 400)
    assert operations.resolve(None, apq(query_hash(ME))) == ME


def test_settings_that_contradict_each_other_are_refused(safelist_path: str) -> None:
    with pytest.raises(ValueError, match="APQ"):
        PersistedConfig(apq=True, safelist_path=safelist_path)
    with pytest.raises(ValueError, match="safelist"):
        PersistedConfig(apq=False, require_id=True)


# --- the manifest ----------------------------------------------------------------------------


def test_the_manifest_is_read_by_id_and_by_body() -> None:
    parsed = parse_manifest(json.dumps(manifest(ME)))
    assert parsed.by_id == {ME_HASH: ME}
    assert parsed.by_body == {ME: ME_HASH}
    assert parsed.operations[0].name == "Me"
    assert parsed.operations[0].type == "query"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not json", "not JSON"),
        (json.dumps({"format": "other", "version": 1, "operations": []}), "format"),
        (json.dumps({**manifest(ME), "version": 2}), "version"),
        (json.dumps({**manifest(ME), "operations": [{"id": "x"}]}), "entry"),
        (
            json.dumps(
                {
                    **manifest(ME),
                    "operations": [
                        {"id": "x", "name": "A", "type": "query", "body": ME},
                        {"id": "x", "name": "B", "type": "query", "body": LOGIN},
                    ],
                }
            ),
            "two bodies",
        ),
    ],
)
def test_a_malformed_manifest_stops_the_router_at_start(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_manifest(text)


async def test_the_stage_puts_the_resolved_text_on_the_context() -> None:
    stage = PersistedStage(PersistedOperations(PersistedConfig()))
    registered = RequestContext(GraphQLRequest(ME, extensions=apq(ME_HASH)), query=ME)
    await stage(registered)
    hashed = RequestContext(GraphQLRequest(None, extensions=apq(ME_HASH)))
    await stage(hashed)
    assert hashed.query == ME
