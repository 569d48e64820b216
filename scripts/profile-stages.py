#!/usr/bin/env python3
"""Shares of CPU (and allocation) samples per pipeline stage, from async-profiler's collapsed stacks.

  profile-stages.py CPU.collapsed [ALLOC.collapsed]   (ALLOC: jfrconv --alloc --total, values in bytes)

CPU.collapsed may carry the thread as its first frame (jfrconv -t: "[name tid=N]"). Each stack goes to the first
stage below that one of its frames matches (most specific first: the model before the Flink operator that calls
it, the Kafka client before the Flink source that polls it). Prints Markdown tables (scripts/profile-burst.sh).
"""
import re
import sys

# (stage, regex over one frame; the thread frame "[...]" is matched too)
STAGES = [
    ("GC", r"^\[(GC Thread|G1 |VM Thread|Concurrent |Serial)|GCTaskThread|G1[A-Z][A-Za-z]+::|ConcurrentGCThread"
           r"|CollectedHeap::|MemAllocator::allocate_outside|OptoRuntime::new_array|InstanceKlass::allocate_instance"),
    ("JIT compiler", r"^\[(C1|C2) CompilerThread|CompileBroker::|Compilation::|Compile::"),
    ("ORT inference (the model)", r"ai/onnxruntime|onnxruntime|libonnxruntime|MlasGemm|Mlas[A-Z]"),
    ("JPEG decode", r"turbojpeg|libturbojpeg|TJDecompressor|tjDecompress|jsimd_|decode_mcu|jpeg_|javax/imageio"
                    r"|JPEGImageReader|twelvemonkeys|embedder/image/ImageDecoder|embedder/image/TurboJpeg"),
    ("resize / preprocess (tensor fill)", r"embedder/model/Preprocessor|OnnxImageEmbedder\.embed_|TensorScratch|embedder/detect/ImageTensors|PerceptualHash|FrameSignature"
                            r"|embedder/gate/|java/awt/image|sun/awt/image|sun/java2d"),
    ("Lucene indexing / commit / search", r"org/apache/lucene"),
    ("Avro / JSON serialisation", r"org/apache/avro|com/fasterxml/jackson|com/google/gson|dev/imgsearch/schemas"),
    ("S3 client / server", r"io/minio|okhttp3|okio/|org/gaul/s3proxy|org/jclouds|dev/imgsearch/local/s3"),
    ("Kafka broker (in-process)", r"^kafka/|/kafka/server|/kafka/log|org/apache/kafka/(storage|raft|server|metadata"
                                  r"|controller|image|coordinator|network)|^\[(data-plane|kafka-|broker-|controller-"
                                  r"|quorum|raft)"),
    ("Kafka Streams (ingest-stream)", r"org/apache/kafka/streams|dev/imgsearch/ingest/"),
    ("Kafka client", r"org/apache/kafka/clients|org/apache/kafka/common"),
    ("query API (Javalin/Jetty)", r"io/javalin|org/eclipse/jetty|dev/imgsearch/query/"),
    ("bench client (synthetic JPEGs, uploads, checks)", r"dev/imgsearch/cli/"),
    ("Flink runtime / checkpointing", r"org/apache/flink|dev/imgsearch/embedder/|dev/imgsearch/indexer/"),
    ("timers / polling / waiting", r"LockSupport\.park|Thread\.sleep|Object\.wait|epoll|futex|nanosleep|pthread_cond"
                                   r"|ScheduledThreadPoolExecutor|Selector|poll"),
]
COMPILED = [(name, re.compile(rx)) for name, rx in STAGES]
OTHER = "other (JVM, logging, metrics, ...)"


def read(path):
    stacks = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            frames, _, count = line.rpartition(" ")
            stacks.append((frames.split(";"), int(count)))
    return stacks


def stage_of(frames):
    for name, rx in COMPILED:
        if any(rx.search(fr) for fr in frames):
            return name
    return OTHER


def shares(stacks):
    total = sum(c for _, c in stacks)
    by = {}
    for frames, c in stacks:
        s = stage_of(frames)
        by[s] = by.get(s, 0) + c
    return total, by


def table(title, unit, stacks, scale=1.0):
    total, by = shares(stacks)
    order = [n for n, _ in STAGES] + [OTHER]
    print(f"| stage | {title} |")
    print("| --- | ---: |")
    for n in order:
        if n in by:
            print(f"| {n} | {100.0 * by[n] / total:.1f} % |")
    print(f"| total | {total * scale:,.0f} {unit} |")
    print()


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    table("share of CPU samples, pipeline JVM", "samples", read(argv[1]))
    if len(argv) > 2:
        table("share of allocated bytes (sampled)", "MB", read(argv[2]), scale=1e-6)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
