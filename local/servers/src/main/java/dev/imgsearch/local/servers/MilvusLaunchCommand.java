package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command that launches {@code milvus-server --data DIR} with the settings of {@link
 * MilvusServerSettings}, its environment and output file. When the launcher is a Python console
 * script (the venv's), it is run through {@link #WRAPPER}, written to {@value #WRAPPER_FILE} in the
 * data directory, which probes and pins ports (see there).
 */
final class MilvusLaunchCommand {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusLaunchCommand.class);
  private static final String WRAPPER_FILE = "imgsearch-milvus-server.py";

  /**
   * Runs the {@code milvus-server} launcher with two changes: it probes ports the way the Go server
   * binds them, on the wildcard address (IPv6 dual-stack, else IPv4) with {@code SO_REUSEADDR}, so
   * a port whose last connections are in TIME_WAIT counts as free while a port any other socket
   * holds on any address counts as taken (the stock probe binds 127.0.0.1 only: a port held on
   * another address, say by an outgoing connection, passed the probe and the server then failed
   * with "bind: address already in use"); and it writes the ports it chose to {@code
   * IMGSEARCH_MILVUS_PORTS_FILE}, which a restart ({@code IMGSEARCH_MILVUS_PIN_PORTS=1}) pins: the
   * launcher then binds exactly those or fails.
   */
  private static final String WRAPPER =
      """
      # Written by dev.imgsearch.local.servers.MilvusServer: the milvus-server launcher with fixed ports on restart.
      import os, socket, sys
      import milvus

      def _try_bind_port(self, port):
          # Probe the way the Go server listens (':port', every address, IPv4 and IPv6): a port that some other
          # socket holds on any address (say an outgoing connection from the machine's own IP) is taken.
          try:
              sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
              sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
              address = ('::', port)
          except OSError:
              sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
              address = ('0.0.0.0', port)
          sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
          try:
              sock.bind(address)
              sock.listen()
              return sock
          except (OSError, ValueError, OverflowError):
              sock.close()
              return None

      milvus.MilvusServerConfig.try_bind_port = _try_bind_port
      _ports_file = os.environ.get('IMGSEARCH_MILVUS_PORTS_FILE')
      _server = milvus.default_server
      if os.environ.get('IMGSEARCH_MILVUS_PIN_PORTS') == '1' and _ports_file:
          with open(_ports_file, encoding='utf-8') as f:
              for line in f:
                  key, _, value = line.strip().partition('=')
                  if key.endswith('_port') and value.isdigit():
                      _server.config.configs[key] = int(value)
          health = os.environ.get('IMGSEARCH_MILVUS_HEALTH_PORT', '')
          if health.isdigit() and int(health) > 0:
              _server.webservice_port = int(health)

      _write_config = milvus.MilvusServerConfig.write_config
      def _write_config_and_ports(self):
          _write_config(self)
          if _ports_file:
              ports = {k: v[1] for k, v in self.configurable_items.items() if k.endswith('_port')}
              with open(_ports_file, 'w', encoding='utf-8') as f:
                  f.write(''.join(f'{k}={v}\\n' for k, v in sorted(ports.items())))

      milvus.MilvusServerConfig.write_config = _write_config_and_ports
      sys.argv[0] = 'milvus-server'
      sys.exit(milvus.main())
      """;

  private MilvusLaunchCommand() {}

  /**
   * The process to start for the server of {@code server} on {@code dataDir}. With {@code
   * samePorts} (a restart) the ports recorded in {@value MilvusServer#PORTS_FILE} and {@code
   * healthPort} are pinned, when the wrapper can be used and the file exists (else a warning: the
   * server may move), and the output is appended to {@value MilvusServer#LOG_FILE} instead of
   * replacing it.
   */
  static ProcessBuilder builder(
      Path executable, Path dataDir, boolean samePorts, int healthPort, Object server) {
    Optional<Path> python = MilvusInstall.launcherPython(executable);
    Path ports = dataDir.resolve(MilvusServer.PORTS_FILE);
    List<String> command = new ArrayList<>();
    if (python.isPresent()) {
      command.addAll(List.of(python.get().toString(), writeWrapper(dataDir).toString()));
    } else {
      command.add(executable.toString());
    }
    command.addAll(List.of("--data", dataDir.toString()));
    command.addAll(MilvusServerSettings.arguments(MilvusServerSettings.effective()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("IMGSEARCH_MILVUS_PORTS_FILE", ports.toString());
    if (samePorts) {
      if (python.isEmpty() || !Files.isRegularFile(ports)) {
        LOG.warn(
            "cannot pin the ports of {} (no {}): the restarted server may move to other ports",
            server,
            ports);
      } else {
        builder.environment().put("IMGSEARCH_MILVUS_PIN_PORTS", "1");
        builder.environment().put("IMGSEARCH_MILVUS_HEALTH_PORT", Integer.toString(healthPort));
      }
      builder.redirectOutput(
          ProcessBuilder.Redirect.appendTo(dataDir.resolve(MilvusServer.LOG_FILE).toFile()));
    } else {
      builder.redirectOutput(dataDir.resolve(MilvusServer.LOG_FILE).toFile());
    }
    return builder;
  }

  private static Path writeWrapper(Path dataDir) {
    Path script = dataDir.resolve(WRAPPER_FILE);
    try {
      Files.writeString(script, WRAPPER, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + script, e);
    }
    return script;
  }
}
