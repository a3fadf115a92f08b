"""Guru Search from Python, as the README documents the API.

Stubs are generated from proto/ at test time (protoc with Debian's
grpc_python_plugin) into a temporary directory; the real guru-indexer builds an
index of data/sample there and the real guru-server serves it on 127.0.0.1:0.
Run by Debian's /usr/bin/python3 (python3-grpcio, python3-protobuf):

    /usr/bin/python3 tests/clients/python_client_test.py \
        --indexer PATH --server PATH [unittest arguments]
"""

import importlib
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest

import client_test_support
from client_test_support import ARGS, RUNNING, die_with_parent, make_work_dir, stop_everything

import grpc

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROTO = ROOT / "proto"
# google/api/annotations.proto, which search.proto imports for its HTTP
# routes, where Debian ships it (golang-github-grpc-ecosystem-grpc-gateway-dev).
GOOGLEAPIS = pathlib.Path(
    "/usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway/third_party/googleapis"
)
SEED_QUESTION = "since the marathon my left knee hurts when I run for more than 5 minutes"
SEED_TITLE = "Knee pain post marathon"
# Generous, for the sanitizer build.
STEP_SECONDS = 60
CALL_SECONDS = 30




class Stubs:
    """Modules generated from proto/ by protoc with the gRPC Python plugin."""

    def __init__(self, out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
        plugin = "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"
        outputs = [f"--python_out={out_dir}", f"--grpc_python_out={out_dir}"]
        subprocess.run(
            ["protoc", f"-I{PROTO}", f"-I{GOOGLEAPIS}", *outputs, plugin,
             "guru/v1/post.proto", "guru/v1/search.proto"],
            check=True,
        )
        # Messages only; they join the google namespace package of python3-protobuf.
        subprocess.run(
            ["protoc", f"-I{GOOGLEAPIS}", f"--python_out={out_dir}",
             "google/api/annotations.proto", "google/api/http.proto"],
            check=True,
        )
        # grpc.health.v1 would clash with the grpc package itself: generate it
        # as top-level modules instead.
        subprocess.run(
            ["protoc", f"-I{PROTO / 'grpc/health/v1'}", *outputs, plugin, "health.proto"],
            check=True,
        )
        # Both server reflection versions (the same messages in two packages),
        # as top-level modules under names of their own; v1alpha as Debian
        # ships it with grpc-go's sources.
        reflection = {
            "reflection_v1": PROTO / "grpc/reflection/v1/reflection.proto",
            "reflection_v1alpha": pathlib.Path(
                "/usr/share/gocode/src/google.golang.org/grpc/reflection/"
                "grpc_reflection_v1alpha/reflection.proto"
            ),
        }
        for name, source in reflection.items():
            shutil.copy(source, out_dir / f"{name}.proto")
            subprocess.run(
                ["protoc", f"-I{out_dir}", *outputs, plugin, f"{name}.proto"], check=True
            )
        sys.path.insert(0, str(out_dir))
        self.reflection = {
            name: (importlib.import_module(f"{name}_pb2"), importlib.import_module(f"{name}_pb2_grpc"))
            for name in reflection
        }
        self.pb = importlib.import_module("guru.v1.search_pb2")
        self.pb_grpc = importlib.import_module("guru.v1.search_pb2_grpc")
        self.post_pb = importlib.import_module("guru.v1.post_pb2")
        self.health_pb = importlib.import_module("health_pb2")
        self.health_grpc = importlib.import_module("health_pb2_grpc")


def build_index(db):
    """Indexes data/sample (with the lay <-> clinical vocabulary) into `db`."""
    indexed = subprocess.run(
        [
            ARGS.indexer,
            "--db",
            str(db),
            "--synonyms",
            str(ROOT / "data/synonyms/lay-clinical.txt"),
            str(ROOT / "data/sample"),
        ],
        capture_output=True,
        text=True,
        timeout=STEP_SECONDS,
    )
    if indexed.returncode != 0:
        raise RuntimeError(f"guru-indexer failed:\n{indexed.stdout}{indexed.stderr}")


class GuruServer:
    """A guru-server on 127.0.0.1:0 over `db`, SERVING, with a GuruSearch stub."""

    def __init__(self, db, stubs):
        self.log = []
        self.channel = None
        self.process = subprocess.Popen(
            [ARGS.server, "--db", str(db), "--listen", "127.0.0.1:0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=die_with_parent,
        )
        port = []
        found = threading.Event()

        def read_log():
            for line in self.process.stderr:
                self.log.append(line)
                match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
                if match and not port:
                    port.append(match.group(1))
                    found.set()
            found.set()

        self.reader = threading.Thread(target=read_log, daemon=True)
        self.reader.start()
        try:
            if not found.wait(STEP_SECONDS) or not port:
                raise RuntimeError("guru-server did not report its port:\n" + "".join(self.log))
            self.address = f"127.0.0.1:{port[0]}"
            self.channel = grpc.insecure_channel(self.address)
            self._wait_until_serving(stubs)
            self.stub = stubs.pb_grpc.GuruSearchStub(self.channel)
        except BaseException:
            self.stop()
            raise

    def _wait_until_serving(self, stubs):
        health = stubs.health_grpc.HealthStub(self.channel)
        deadline = time.monotonic() + STEP_SECONDS
        while True:
            try:
                request = stubs.health_pb.HealthCheckRequest()
                if health.Check(request, timeout=5).status == stubs.health_pb.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("guru-server did not report SERVING:\n" + "".join(self.log))
            time.sleep(0.1)

    def stop(self):
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=5)
        self.process.stderr.close()



def start_server(db, stubs):
    server = GuruServer(db, stubs)
    RUNNING["servers"].append(server)
    return server




_STUBS = []


def get_stubs():
    """Generates and imports the stubs once per run."""
    if not _STUBS:
        _STUBS.append(Stubs(make_work_dir("guru-python-client-") / "stubs"))
    return _STUBS[0]


class PythonClientTest(unittest.TestCase):
    """Search, GetPost and Related against one server over data/sample."""

    @classmethod
    def setUpClass(cls):
        try:
            stubs = get_stubs()
            cls.pb, cls.post_pb = stubs.pb, stubs.post_pb
            work = make_work_dir("guru-python-client-")
            build_index(work / "db")
            cls.servers = [start_server(work / "db", stubs)]
            cls.stub = cls.servers[0].stub
        except BaseException:
            stop_everything()
            raise

    @classmethod
    def tearDownClass(cls):
        for server in cls.servers:
            server.stop()

    # Helpers.

    def search(self, query, **fields):
        return self.stub.Search(self.pb.SearchRequest(query=query, **fields), timeout=CALL_SECONDS)

    def assert_code(self, code, call, *args, field=None):
        with self.assertRaises(grpc.RpcError) as caught:
            call(*args, timeout=CALL_SECONDS)
        self.assertEqual(caught.exception.code(), code, caught.exception.details())
        if field is not None:
            self.assertIn(field, caught.exception.details())

    def seed(self):
        response = self.search(SEED_QUESTION, limit=5)
        self.assertGreater(len(response.results), 0)
        return response

    # Search.

    def test_seed_question_ranks_the_seed_post_first(self):
        response = self.seed()
        top = response.results[0]
        self.assertEqual(top.post.title, SEED_TITLE)
        self.assertEqual(top.post.category, "knees")
        self.assertEqual(top.post.asked_on, "2019-05-20")
        self.assertIn("kneecap", top.post.answer)
        self.assertTrue(top.post.question.startswith("Since running the marathon"))
        self.assertTrue(top.snippet)
        self.assertGreaterEqual(response.total_estimate, len(response.results))
        scores = [r.score for r in response.results]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_limit_caps_the_results_and_offset_skips(self):
        five = self.search("pain", limit=5)
        self.assertEqual(len(five.results), 5)
        two = self.search("pain", limit=2, offset=3)
        self.assertEqual([r.post.id for r in two.results], [r.post.id for r in five.results[3:5]])

    def test_best_passage_is_whole_text_of_the_answer_with_highlights_inside(self):
        top = self.seed().results[0]
        passage, answer = top.passage, top.post.answer
        self.assertTrue(passage.text, "no passage")
        self.assertLess(passage.span.start, passage.span.end)
        # Offsets are code points; Python strings index code points.
        self.assertEqual(answer[passage.span.start : passage.span.end], passage.text)
        self.assertLess(len(passage.text), len(answer))
        self.assertTrue(passage.text[0].isupper() or not passage.text[0].isalpha(), passage.text)
        self.assertRegex(passage.text.rstrip(), r"[.!?…)\"”’]$")
        self.assertGreater(len(passage.highlights), 0)
        previous_end = passage.span.start
        for span in passage.highlights:
            self.assertGreaterEqual(span.start, previous_end)
            self.assertLess(span.start, span.end)
            self.assertLessEqual(span.end, passage.span.end)
            previous_end = span.end
        words = {answer[h.start : h.end].lower() for h in passage.highlights}
        self.assertTrue(
            any(w.startswith(("knee", "marathon", "run", "hurt", "left", "minute")) for w in words),
            words,
        )

    def test_confidence_and_answer_status(self):
        response = self.seed()
        self.assertEqual(response.answer_status, self.pb.ANSWERED)
        for result in response.results:
            self.assertGreaterEqual(result.confidence, 0.0)
            self.assertLessEqual(result.confidence, 1.0)
        # The best answer is the most likely one, and clearly above chance.
        top = response.results[0].confidence
        self.assertGreater(top, 0.3)
        self.assertEqual(top, max(r.confidence for r in response.results))

    def test_gibberish_and_stopwords_are_no_match(self):
        for query in ["asdkjh qwe", "the and of it is"]:
            with self.subTest(query=query):
                response = self.search(query)
                self.assertEqual(response.answer_status, self.pb.NO_MATCH)
                self.assertEqual(len(response.results), 0)

    def test_query_syntax_is_text(self):
        response = self.search('knee AND (pain OR "ache") NOT -running')
        self.assertGreater(len(response.results), 0)

    def test_invalid_arguments_name_the_field(self):
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.stub.Search, self.pb.SearchRequest(query=""), field="query")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.stub.Search, self.pb.SearchRequest(query="   "), field="query")
        self.assert_code(
            grpc.StatusCode.INVALID_ARGUMENT, self.stub.Search, self.pb.SearchRequest(query="knee", limit=101), field="limit"
        )
        self.assert_code(
            grpc.StatusCode.INVALID_ARGUMENT, self.stub.Search, self.pb.SearchRequest(query="knee", offset=-1), field="offset"
        )

    # Filters, facets, paging.

    def test_category_filter_is_case_insensitive_and_restricts(self):
        unfiltered = self.search("pain when running", limit=50)
        self.assertGreater(len({r.post.category for r in unfiltered.results}), 1)
        knees = self.search("pain when running", limit=50, filter=self.pb.SearchFilter(categories=["knees"]))
        self.assertGreater(len(knees.results), 0)
        self.assertEqual({r.post.category for r in knees.results}, {"knees"})
        upper = self.search("pain when running", limit=50, filter=self.pb.SearchFilter(categories=["KNEES"]))
        self.assertEqual([r.post.id for r in upper.results], [r.post.id for r in knees.results])
        two = self.search("pain when running", limit=50, filter=self.pb.SearchFilter(categories=["knees", "feet"]))
        self.assertEqual({r.post.category for r in two.results}, {"knees", "feet"})

    def test_date_filter(self):
        filtered = self.search("pain", limit=100, filter=self.pb.SearchFilter(date_from="2019-01-01", date_to="2019-12-31"))
        self.assertGreater(len(filtered.results), 0)
        for r in filtered.results:
            date = r.post.asked_on or r.post.answered_on
            self.assertTrue("2019-01-01" <= date <= "2019-12-31", (r.post.id, date))
        self.assert_code(
            grpc.StatusCode.INVALID_ARGUMENT,
            self.stub.Search,
            self.pb.SearchRequest(query="pain", filter=self.pb.SearchFilter(date_from="2019-13-01")),
            field="date_from",
        )

    def test_category_facets_count_the_matches(self):
        self.assertEqual(len(self.search("pain", limit=100).category_facets), 0)
        response = self.search("pain", limit=100, include_facets=True)
        facets = [(f.value, f.count) for f in response.category_facets]
        self.assertGreater(len(facets), 1)
        counts = [c for _, c in facets]
        self.assertEqual(counts, sorted(counts, reverse=True))
        by_category = {}
        for r in response.results:
            by_category[r.post.category] = by_category.get(r.post.category, 0) + 1
        self.assertEqual(dict(facets), by_category)

    def test_page_tokens_give_disjoint_pages_covering_all_results(self):
        everything = [r.post.id for r in self.search("pain", limit=100).results]
        self.assertGreater(len(everything), 6)
        pages, token = [], ""
        for _ in range(50):
            response = self.search("pain", page_size=3, page_token=token)
            pages.append([r.post.id for r in response.results])
            token = response.next_page_token
            if not token:
                break
        self.assertGreater(len(pages), 1)
        self.assertTrue(all(0 < len(p) <= 3 for p in pages), pages)
        paged = [post_id for page in pages for post_id in page]
        self.assertEqual(len(paged), len(set(paged)), "pages overlap")
        self.assertEqual(paged, everything)

    def test_bad_page_tokens_are_invalid_arguments(self):
        first = self.search("pain", page_size=3)
        self.assertTrue(first.next_page_token)
        self.assert_code(
            grpc.StatusCode.INVALID_ARGUMENT,
            self.stub.Search,
            self.pb.SearchRequest(query="knee", page_size=3, page_token=first.next_page_token),
        )
        self.assert_code(
            grpc.StatusCode.INVALID_ARGUMENT,
            self.stub.Search,
            self.pb.SearchRequest(query="pain", page_size=3, page_token="not a token"),
        )

    def test_a_follow_up_takes_its_topic_from_the_context(self):
        response = self.search("which exercises help", context=[SEED_QUESTION])
        self.assertGreater(len(response.results), 0)
        use = response.interpretation.context_use
        self.assertEqual(use.kind, self.pb.ContextUse.FOLLOW_UP)
        self.assertEqual(use.turn, 1)
        self.assertTrue(use.topic)
        self.assertEqual(list(response.interpretation.context_terms), list(use.topic))
        self.assertIn(use.topic[0], use.searched_for)
        self.assertEqual(response.results[0].post.category, "knees")
        # Gibberish asks nothing: the context alone finds nothing.
        none = self.search("asdkjh qwe", context=[SEED_QUESTION])
        self.assertEqual(none.interpretation.context_use.kind, self.pb.ContextUse.NO_CONTEXT)
        self.assertEqual(len(none.results), 0)

    def test_every_response_carries_a_safety_level(self):
        calm = self.search("my knee hurts when I run")
        self.assertEqual(calm.safety.level, self.pb.SAFETY_LEVEL_NONE)
        urgent = self.search("my dad's face has dropped on one side and he can't lift his arm")
        self.assertEqual(urgent.safety.level, self.pb.SAFETY_LEVEL_EMERGENCY)
        self.assertTrue(urgent.safety.signs[0].code)
        checked = self.stub.CheckSafety(self.pb.CheckSafetyRequest(query="I want to end my life"),
                                        timeout=CALL_SECONDS)
        self.assertEqual(checked.level, self.pb.SAFETY_LEVEL_CRISIS)

    # GetPost.

    def test_get_post_returns_the_post_search_found(self):
        top = self.seed().results[0].post
        post = self.stub.GetPost(self.pb.GetPostRequest(id=top.id), timeout=CALL_SECONDS)
        self.assertIsInstance(post, self.post_pb.Post)
        self.assertEqual(post, top)

    def test_get_post_errors(self):
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.stub.GetPost, self.pb.GetPostRequest(id="no-such-post"))
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.stub.GetPost, self.pb.GetPostRequest(id=""))

    # Related.

    def test_related_returns_other_similar_posts(self):
        seed = self.seed().results[0].post
        response = self.stub.Related(self.pb.RelatedRequest(id=seed.id, limit=5), timeout=CALL_SECONDS)
        ids = [r.post.id for r in response.results]
        self.assertGreater(len(ids), 0)
        self.assertLessEqual(len(ids), 5)
        self.assertNotIn(seed.id, ids)
        self.assertEqual(len(ids), len(set(ids)))
        scores = [r.score for r in response.results]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertIn("knees", [r.post.category for r in response.results])
        for r in response.results:
            self.assertTrue(r.post.answer)
            self.assertTrue(r.snippet)

    def test_related_default_limit_is_five(self):
        seed = self.seed().results[0].post
        response = self.stub.Related(self.pb.RelatedRequest(id=seed.id), timeout=CALL_SECONDS)
        self.assertEqual(len(response.results), 5)

    def test_related_errors(self):
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.stub.Related, self.pb.RelatedRequest(id="no-such-post"))
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.stub.Related, self.pb.RelatedRequest(id=""))
        seed_id = self.seed().results[0].post.id
        self.assert_code(
            grpc.StatusCode.INVALID_ARGUMENT, self.stub.Related, self.pb.RelatedRequest(id=seed_id, limit=101), field="limit"
        )


class PageTokenAcrossServersTest(unittest.TestCase):
    """Page tokens outlive a server restart; those of another index are refused."""

    def setUp(self):
        self.stubs = get_stubs()
        self.pb = self.stubs.pb
        self.work = make_work_dir("guru-python-client-")
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        build_index(self.work / "db")

    def server(self, db):
        server = start_server(db, self.stubs)
        self.addCleanup(server.stop)
        return server

    def test_a_token_stays_valid_after_a_restart(self):
        first = self.server(self.work / "db")
        everything = first.stub.Search(self.pb.SearchRequest(query="pain", limit=100), timeout=CALL_SECONDS)
        page1 = first.stub.Search(self.pb.SearchRequest(query="pain", page_size=3), timeout=CALL_SECONDS)
        self.assertTrue(page1.next_page_token)
        first.stop()
        second = self.server(self.work / "db")
        page2 = second.stub.Search(
            self.pb.SearchRequest(query="pain", page_size=3, page_token=page1.next_page_token), timeout=CALL_SECONDS
        )
        self.assertEqual([r.post.id for r in page2.results], [r.post.id for r in everything.results[3:6]])

    def test_a_token_from_another_index_is_a_failed_precondition(self):
        first = self.server(self.work / "db")
        page1 = first.stub.Search(self.pb.SearchRequest(query="pain", page_size=3), timeout=CALL_SECONDS)
        self.assertTrue(page1.next_page_token)
        build_index(self.work / "other")
        other = self.server(self.work / "other")
        with self.assertRaises(grpc.RpcError) as caught:
            other.stub.Search(
                self.pb.SearchRequest(query="pain", page_size=3, page_token=page1.next_page_token), timeout=CALL_SECONDS
            )
        self.assertEqual(caught.exception.code(), grpc.StatusCode.FAILED_PRECONDITION, caught.exception.details())
        self.assertIn("page_token", caught.exception.details())


class ReflectionTest(unittest.TestCase):
    """What buf curl --list-methods and grpcurl do: list the services over
    server reflection, fetch each one's file with its imports, and find the
    service and its methods in a descriptor pool built from them."""

    @classmethod
    def setUpClass(cls):
        try:
            cls.stubs = get_stubs()
            work = make_work_dir("guru-python-client-")
            build_index(work / "db")
            cls.server = start_server(work / "db", cls.stubs)
        except BaseException:
            stop_everything()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def describe_all(self, version):
        from google.protobuf import descriptor_pb2, descriptor_pool

        pb, pb_grpc = self.stubs.reflection[version]
        stub = pb_grpc.ServerReflectionStub(self.server.channel)

        def ask(**request):
            (reply,) = list(stub.ServerReflectionInfo(
                iter([pb.ServerReflectionRequest(**request)]), timeout=CALL_SECONDS))
            self.assertFalse(reply.HasField("error_response"), reply.error_response.error_message)
            return reply

        names = [s.name for s in ask(list_services="").list_services_response.service]
        pool = descriptor_pool.DescriptorPool()
        files = {}
        methods = {}
        for name in names:
            reply = ask(file_containing_symbol=name)
            for raw in reply.file_descriptor_response.file_descriptor_proto:
                proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
                files.setdefault(proto.name, proto)

        added = set()

        def add(file_name):
            if file_name in added:
                return
            for dependency in files[file_name].dependency:
                if dependency not in files:
                    files[dependency] = descriptor_pb2.FileDescriptorProto.FromString(
                        ask(file_by_filename=dependency).file_descriptor_response.file_descriptor_proto[0])
                add(dependency)
            pool.Add(files[file_name])
            added.add(file_name)

        for file_name in list(files):
            add(file_name)
        for name in names:
            methods[name] = [m.name for m in pool.FindServiceByName(name).methods]
        return methods

    def test_both_versions_describe_every_service(self):
        for version in ("reflection_v1", "reflection_v1alpha"):
            with self.subTest(version=version):
                methods = self.describe_all(version)
                self.assertEqual(methods["guru.v1.GuruSearch"],
                                 ["Search", "GetPost", "Related", "CheckSafety"])
                self.assertIn("Check", methods["grpc.health.v1.Health"])
                self.assertIn("ServerReflectionInfo",
                              methods["grpc.reflection.v1.ServerReflection"])
                self.assertIn("grpc.reflection.v1alpha.ServerReflection", methods)

    def test_the_http_routes_travel_with_the_descriptors(self):
        from google.protobuf import descriptor_pb2

        pb, pb_grpc = self.stubs.reflection["reflection_v1"]
        stub = pb_grpc.ServerReflectionStub(self.server.channel)
        (reply,) = list(stub.ServerReflectionInfo(
            iter([pb.ServerReflectionRequest(file_containing_symbol="guru.v1.GuruSearch")]),
            timeout=CALL_SECONDS))
        names = [descriptor_pb2.FileDescriptorProto.FromString(raw).name
                 for raw in reply.file_descriptor_response.file_descriptor_proto]
        self.assertEqual(names[0], "guru/v1/search.proto")
        self.assertIn("google/api/annotations.proto", names)
        self.assertIn("google/api/http.proto", names)


if __name__ == "__main__":
    client_test_support.main(__doc__, "python_client_test")
