package dev.imgsearch.embedder.job;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the embeddings topic, compacted, when it does not exist; checks an existing one is
 * compacted.
 */
public final class EmbeddingsTopic {
  private EmbeddingsTopic() {}

  /** The admin client's configuration. Pure. */
  static Map<String, Object> adminConfig(
      String bootstrapServers, Map<String, String> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  /**
   * Ensures {@code topic} exists with {@code cleanup.policy=compact}.
   *
   * @param clientProperties further admin client settings (security: {@link
   *     EmbedderSettings#kafkaClientProperties()})
   * @throws IllegalStateException when an existing topic is not compacted (replays would then miss
   *     images), or the broker cannot be reached within 30 s
   */
  public static void ensureCompacted(
      String bootstrapServers, Map<String, String> clientProperties, String topic, int partitions) {
    try (Admin admin = Admin.create(adminConfig(bootstrapServers, clientProperties))) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (!names.contains(topic)) {
        NewTopic t =
            new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty())
                .configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
          admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config =
          admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
      if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw new IllegalStateException(
            "topic "
                + topic
                + " has cleanup.policy="
                + policy
                + "; the embeddings topic must be compacted "
                + "(kafka-configs --alter --entity-type topics --entity-name "
                + topic
                + " --add-config cleanup.policy=compact)");
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot check the embeddings topic " + topic + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
