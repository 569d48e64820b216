package dev.imgsearch.query;

import java.util.List;

/**
 * JSON body of {@code POST /v1/search/vector}. Everything but {@code vector} is optional and
 * follows the rules of the query parameters of the same name; {@code source} and {@code tags}
 * accept a string or an array.
 */
record VectorQuery(
    float[] vector,
    Integer k,
    Integer offset,
    List<String> source,
    String from,
    String to,
    List<String> tags,
    Float minScore) {

  SearchParams params() {
    return SearchParams.of(k, offset, source, from, to, tags, minScore);
  }
}
