package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.embedder.image.ImageRejectedException;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published OpenAPI document against the implementation: routes, parameters, limits, error
 * codes, security.
 */
class OpenApiTest {

  private static JsonNode spec;
  private static QueryService service;
  private static Javalin app;

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in = QueryApi.class.getResourceAsStream("openapi.json")) {
      spec = new ObjectMapper().readTree(in);
    }
    service =
        QueryService.builder(
                new TestImageEmbedder(1 << 20), new TestVectorStore(TestImageEmbedder.DIMENSION))
            .build();
    app =
        QueryApi.create(
            service,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            QueryApiOptions.defaults().withAnonymousAccess());
  }

  @AfterAll
  static void close() {
    service.close();
  }

  private static Set<String> documentedOperations() {
    Set<String> ops = new TreeSet<>();
    spec.get("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> ops.add(m.toUpperCase() + " " + p.getKey())));
    return ops;
  }

  private static JsonNode operation(String path, String method) {
    return spec.get("paths").get(path).get(method);
  }

  @Test
  void isOpenApi3() {
    assertThat(spec.get("openapi").asText()).startsWith("3.");
    assertThat(spec.get("info").get("title").asText()).isNotBlank();
  }

  @Test
  void documentsExactlyTheRoutesTheServerHas() {
    Set<String> routes =
        app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
            .map(e -> e.getEndpoint())
            .filter(e -> e.getMethod().isHttpMethod())
            .map(e -> e.getMethod().name() + " " + e.getPath())
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(routes).isNotEmpty();
    assertThat(documentedOperations()).isEqualTo(routes);
  }

  @Test
  void everyV1OperationRequiresTheApiKeyAndDocuments401And403() {
    assertThat(spec.at("/components/securitySchemes/apiKey/in").asText()).isEqualTo("header");
    assertThat(spec.at("/components/securitySchemes/apiKey/name").asText())
        .isEqualTo(ApiKeys.HEADER);
    spec.get("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          JsonNode security = op.getValue().get("security");
                          if (path.getKey().startsWith("/v1/")) {
                            assertThat(security.toString())
                                .as(path.getKey())
                                .isEqualTo("[{\"apiKey\":[]}]");
                            assertThat(op.getValue().get("responses").has("401"))
                                .as(path.getKey())
                                .isTrue();
                            assertThat(op.getValue().get("responses").has("403"))
                                .as(path.getKey())
                                .isTrue();
                          } else {
                            assertThat(security.toString())
                                .as(path.getKey() + " is open")
                                .isEqualTo("[]");
                          }
                        }));
  }

  @Test
  void searchOperationsListEveryParameterWithTheImplementedLimits() {
    for (String[] op :
        new String[][] {{"/v1/search", "post"}, {"/v1/images/{id}/similar", "get"}}) {
      Set<String> names = new HashSet<>();
      for (JsonNode p : operation(op[0], op[1]).get("parameters")) {
        names.add(resolve(p).get("name").asText());
      }
      names.remove("id");
      assertThat(names).as(op[0]).containsExactlyInAnyOrderElementsOf(SearchParams.NAMES);
    }
    JsonNode params = spec.at("/components/parameters");
    assertThat(params.at("/k/schema/minimum").asInt()).isEqualTo(SearchParams.MIN_K);
    assertThat(params.at("/k/schema/maximum").asInt()).isEqualTo(SearchParams.MAX_K);
    assertThat(params.at("/k/schema/default").asInt()).isEqualTo(SearchParams.DEFAULT_K);
    assertThat(params.at("/offset/schema/maximum").asInt())
        .isEqualTo(SearchParams.MAX_WINDOW - SearchParams.MIN_K);
    assertThat(spec.at("/components/schemas/FilterValue/maxLength").asInt())
        .isEqualTo(FilterValues.MAX_LENGTH);
    assertThat(params.at("/source/description").asText())
        .contains("at most " + FilterValues.MAX_VALUES + " values");
  }

  @Test
  void duplicateSearchListsTheSearchParametersAndMaxDistanceWithItsLimits() {
    Set<String> names = new HashSet<>();
    for (JsonNode p : operation("/v1/search/duplicates", "post").get("parameters")) {
      names.add(resolve(p).get("name").asText());
    }
    List<String> expected = new ArrayList<>(SearchParams.NAMES);
    expected.add(SearchParams.MAX_DISTANCE);
    assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
    JsonNode maxDistance = spec.at("/components/parameters/maxDistance/schema");
    assertThat(maxDistance.get("minimum").asInt()).isZero();
    assertThat(maxDistance.get("maximum").asInt()).isEqualTo(QueryService.MAX_MAX_DISTANCE);
    assertThat(maxDistance.get("default").asInt()).isEqualTo(QueryService.DEFAULT_MAX_DISTANCE);
    assertThat(operation("/v1/search/duplicates", "post").get("responses").has("504")).isTrue();
    assertThat(spec.at("/components/schemas/SearchResult/properties/distance/type").asText())
        .isEqualTo("integer");
  }

  @Test
  void listingAndTimelineDocumentTheirParametersWithTheImplementedLimits() {
    Set<String> listing = new HashSet<>();
    operation("/v1/images", "get")
        .get("parameters")
        .forEach(p -> listing.add(resolve(p).get("name").asText()));
    assertThat(listing)
        .containsExactlyInAnyOrder(
            "source", "tags", "from", "to", ListingParams.LIMIT, ListingParams.ORDER);
    Set<String> timeline = new HashSet<>();
    operation("/v1/timeline", "get")
        .get("parameters")
        .forEach(p -> timeline.add(resolve(p).get("name").asText()));
    assertThat(timeline)
        .containsExactlyInAnyOrder("source", "tags", "from", "to", ListingParams.INTERVAL);
    JsonNode params = spec.at("/components/parameters");
    assertThat(params.at("/limit/schema/maximum").asInt()).isEqualTo(ListingParams.MAX_LIMIT);
    assertThat(params.at("/limit/schema/default").asInt()).isEqualTo(ListingParams.DEFAULT_LIMIT);
    assertThat(params.at("/interval/schema/maximum").asInt())
        .isEqualTo(ListingParams.MAX_INTERVAL_SECONDS);
    assertThat(params.at("/interval/schema/default").asInt())
        .isEqualTo(ListingParams.DEFAULT_INTERVAL_SECONDS);
    assertThat(operation("/v1/images", "get").get("description").asText())
        .contains("up to " + ListingParams.LISTING_SCAN_BOUND + " rows");
    assertThat(operation("/v1/timeline", "get").get("description").asText())
        .contains("at most " + ListingParams.COUNT_SCAN_BOUND + " rows")
        .contains("at most " + ListingParams.MAX_INTERVALS + " intervals");
  }

  @Test
  void theAlertHistoryIsDocumentedAsPaged() {
    Map<String, JsonNode> params = new java.util.HashMap<>();
    operation("/v1/watches/{id}/alerts", "get")
        .get("parameters")
        .forEach(p -> params.put(resolve(p).get("name").asText(), resolve(p)));
    assertThat(params).containsOnlyKeys("id", "limit", "before", "since", "until");
    assertThat(params.get("limit").at("/schema/maximum").asInt())
        .isEqualTo(AlertHistoryParams.MAX_ALERTS);
    assertThat(params.get("before").at("/schema/maxLength").asInt())
        .isEqualTo(dev.imgsearch.query.watch.AlertCursor.MAX_LENGTH);
    assertThat(spec.at("/components/schemas/AlertList/properties").has("nextCursor")).isTrue();
  }

  @Test
  void vectorQuerySchemaMatchesTheJsonBody() {
    List<String> fields = new ArrayList<>();
    spec.at("/components/schemas/VectorQuery/properties")
        .fieldNames()
        .forEachRemaining(fields::add);
    List<String> components =
        Arrays.stream(VectorQuery.class.getRecordComponents())
            .map(RecordComponent::getName)
            .toList();
    List<String> expected = new ArrayList<>(SearchParams.NAMES);
    expected.add("vector");

    assertThat(fields)
        .containsExactlyInAnyOrderElementsOf(components)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(spec.at("/components/schemas/VectorQuery/additionalProperties").asBoolean(true))
        .isFalse();
  }

  @Test
  void errorCodesAreExactlyTheOnesTheApiProduces() {
    Set<String> produced = new TreeSet<>();
    produced.addAll(
        List.of(
            InvalidQueryException.INVALID_PARAMETER,
            InvalidQueryException.INVALID_JSON,
            InvalidQueryException.WRONG_DIMENSION));
    for (RequestBodyException.Kind kind : RequestBodyException.Kind.values()) {
      produced.add(kind.code());
    }
    for (ImageRejectedException.Reason reason : ImageRejectedException.Reason.values()) {
      produced.add(ApiErrors.of(new ImageRejectedException(reason, "m")).code());
    }
    produced.add(NotFoundException.image("x").code());
    produced.add(NotFoundException.content("x").code());
    produced.add(NotFoundException.item("x").code());
    produced.add(ApiErrors.of(new io.javalin.http.NotFoundResponse()).code());
    produced.add(ApiErrors.of(new io.javalin.http.MethodNotAllowedResponse()).code());
    produced.add(ApiErrors.of(AuthException.missing()).code());
    produced.add(ApiErrors.of(AuthException.rejected()).code());
    produced.add(StoreUnavailableException.STORE);
    produced.add(StoreUnavailableException.MODEL);
    produced.add(ApiErrors.of(new StoreTimeoutException("m", null)).code());
    produced.add(ApiErrors.of(new ContentForbiddenException("m")).code());
    produced.add(ApiErrors.of(new ServerBusyException("m", 1)).code());
    produced.add(ApiErrors.INTERNAL);

    Set<String> documented = new TreeSet<>();
    spec.at("/components/schemas/Error/properties/error/properties/code/enum")
        .forEach(c -> documented.add(c.asText()));
    assertThat(documented).isEqualTo(produced);
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(spec, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(spec.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }

  private static JsonNode resolve(JsonNode node) {
    return node.has("$ref") ? spec.at(node.get("$ref").asText().substring(1)) : node;
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("$ref")) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, out));
    }
  }
}
