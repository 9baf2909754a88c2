/*
 * kafka-mock: librdkafka's in-process mock Kafka cluster, run as a standalone server so that tests
 * written against any Kafka client (kafkajs here) can talk the real Kafka protocol without a JVM.
 *
 * Usage: kafka-mock [--brokers N] [--topic name:partitions]... [--no-stdin]
 *
 * First prints one line, `BOOTSTRAP=<host:port,...>`, to stdout once the cluster listens (on
 * 127.0.0.1 only: librdkafka binds its mock brokers to the loopback address), then serves until
 * SIGTERM or SIGINT, or until stdin reaches EOF, or until its parent process goes away. Watching
 * stdin and the parent is what makes a launcher started through a pipe die with the test run that
 * started it, even when that run is killed with SIGKILL. `--no-stdin` turns both watches off, for
 * running it by hand in the background.
 *
 * While it runs, each line `topic <name>:<partitions>` written to its stdin creates a topic and is
 * answered by one line on stdout: `OK` or `ERR <why>` (details go to stderr).
 *
 * Caveats of the mock cluster (librdkafka 2.0): create topics with --topic or the stdin command,
 * because clients cannot (its metadata names no existing controller broker, which kafkajs's admin
 * client needs); replication factor is always 1; data lives in memory only; a consumer group's
 * first join waits about 3 s and every later rebalance about the group's session timeout less 1 s.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 256
#define MAX_BROKERS 16
#define MAX_PARTITIONS 10000
/* How often the parent pid is checked, in milliseconds, while waiting for a stop request. */
#define PARENT_CHECK_INTERVAL_MS 500

/* Kafka's own limit on topic name length. */
#define MAX_TOPIC_NAME 249

struct topic_spec {
  char name[MAX_TOPIC_NAME + 1];
  int partitions;
};

static volatile sig_atomic_t stop_signal = 0;

static void on_stop_signal(int sig) { stop_signal = sig; }

static void usage(FILE *out) {
  fprintf(out,
          "usage: kafka-mock [--brokers N] [--topic name:partitions]... [--no-stdin]\n"
          "  --brokers N               number of mock brokers (1-%d, default 1)\n"
          "  --topic name:partitions   pre-create a topic (repeatable; replication factor 1)\n"
          "  --no-stdin                keep running when stdin closes or the parent exits\n"
          "Prints BOOTSTRAP=<host:port,...> and serves until SIGTERM/SIGINT or stdin EOF.\n",
          MAX_BROKERS);
}

/* Parses a whole decimal integer in [min, max]; returns 0 on success. */
static int parse_int(const char *text, int min, int max, int *out) {
  char *end = NULL;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < min || value > max) return -1;
  *out = (int)value;
  return 0;
}

/* Parses `name:partitions` (split at the last colon) into `spec`; returns 0 on success. */
static int parse_topic(const char *arg, struct topic_spec *spec) {
  const char *colon = strrchr(arg, ':');
  if (colon == NULL || colon == arg || colon - arg > MAX_TOPIC_NAME) return -1;
  size_t length = (size_t)(colon - arg);
  memcpy(spec->name, arg, length);
  spec->name[length] = '\0';
  return parse_int(colon + 1, 1, MAX_PARTITIONS, &spec->partitions);
}

static int install_signal_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  /* No SA_RESTART: poll() must return EINTR so the main loop notices the stop request. */
  if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0) return -1;
  signal(SIGPIPE, SIG_IGN);
  return 0;
}

/* Creates one topic on the running cluster; returns 0 or prints why not to stderr. */
static int create_topic(rd_kafka_mock_cluster_t *cluster, const struct topic_spec *spec) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, spec->name, spec->partitions, 1);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  fprintf(stderr, "kafka-mock: cannot create topic '%s' with %d partition(s): %s\n", spec->name,
          spec->partitions, rd_kafka_err2str(err));
  return -1;
}

/*
 * Runs one command line read from stdin and answers with one line on stdout, `OK` or `ERR <why>`.
 * The only command is `topic <name>:<partitions>`, which creates a topic while the cluster runs
 * (clients cannot: the mock has no controller broker for their CreateTopics request).
 */
static void run_command(rd_kafka_mock_cluster_t *cluster, char *line) {
  struct topic_spec spec;
  if (strncmp(line, "topic ", 6) != 0) {
    printf("ERR unknown command (expected: topic <name>:<partitions>)\n");
  } else if (parse_topic(line + 6, &spec) != 0) {
    printf("ERR topic wants <name>:<partitions> (1 to %d characters, 1 to %d partitions)\n",
           MAX_TOPIC_NAME, MAX_PARTITIONS);
  } else if (create_topic(cluster, &spec) != 0) {
    printf("ERR cannot create topic %s\n", spec.name);
  } else {
    printf("OK\n");
  }
  fflush(stdout);
}

/*
 * Serves commands from stdin until a stop signal, stdin EOF (or error), or the parent exiting.
 * With `watch` off, stdin is ignored and only a signal stops it.
 */
static void serve(rd_kafka_mock_cluster_t *cluster, int watch) {
  pid_t parent = getppid();
  char line[1024];
  size_t used = 0;
  while (stop_signal == 0) {
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
    int ready = poll(watch ? &pfd : NULL, watch ? 1 : 0, PARENT_CHECK_INTERVAL_MS);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("kafka-mock: poll");
      return;
    }
    if (!watch) continue;
    if (getppid() != parent) {
      fprintf(stderr, "kafka-mock: parent process exited, stopping\n");
      return;
    }
    if (ready == 0) continue;
    if (pfd.revents & POLLNVAL) {
      fprintf(stderr, "kafka-mock: stdin is closed, stopping (use --no-stdin to run detached)\n");
      return;
    }
    ssize_t n = read(STDIN_FILENO, line + used, sizeof line - 1 - used);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return; /* EOF or read error: the parent closed the pipe or died. */
    used += (size_t)n;
    char *newline;
    while ((newline = memchr(line, '\n', used)) != NULL) {
      *newline = '\0';
      run_command(cluster, line);
      size_t consumed = (size_t)(newline - line) + 1;
      memmove(line, newline + 1, used - consumed);
      used -= consumed;
    }
    if (used == sizeof line - 1) {
      /* A line longer than the buffer cannot be a valid command: drop it. */
      printf("ERR command too long\n");
      fflush(stdout);
      used = 0;
    }
  }
}

int main(int argc, char **argv) {
  int brokers = 1;
  int watch = 1;
  struct topic_spec topics[MAX_TOPICS];
  int topic_count = 0;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(arg, "--no-stdin") == 0) {
      watch = 0;
    } else if (strcmp(arg, "--brokers") == 0 && i + 1 < argc) {
      if (parse_int(argv[++i], 1, MAX_BROKERS, &brokers) != 0) {
        fprintf(stderr, "kafka-mock: --brokers wants a whole number from 1 to %d, got '%s'\n",
                MAX_BROKERS, argv[i]);
        return 2;
      }
    } else if (strcmp(arg, "--topic") == 0 && i + 1 < argc) {
      if (topic_count == MAX_TOPICS) {
        fprintf(stderr, "kafka-mock: at most %d --topic options\n", MAX_TOPICS);
        return 2;
      }
      if (parse_topic(argv[++i], &topics[topic_count]) != 0) {
        fprintf(stderr,
                "kafka-mock: --topic wants name:partitions (a name of 1 to %d characters, 1 to %d "
                "partitions), got '%s'\n",
                MAX_TOPIC_NAME, MAX_PARTITIONS, argv[i]);
        return 2;
      }
      topic_count++;
    } else {
      fprintf(stderr, "kafka-mock: unknown or incomplete option '%s'\n", arg);
      usage(stderr);
      return 2;
    }
  }

  if (install_signal_handlers() != 0) {
    perror("kafka-mock: sigaction");
    return 1;
  }

  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* log_level 4 keeps warnings and errors but drops the notice that the host handle has no
   * bootstrap.servers, which is expected: it only hosts the cluster. */
  if (rd_kafka_conf_set(conf, "client.id", "kafka-mock", errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "kafka-mock: %s\n", errstr);
    rd_kafka_conf_destroy(conf);
    return 1;
  }
  /* The handle only hosts the mock cluster; it never connects anywhere itself. */
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == NULL) {
    fprintf(stderr, "kafka-mock: cannot create the librdkafka handle: %s\n", errstr);
    return 1;
  }

  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (cluster == NULL) {
    fprintf(stderr, "kafka-mock: cannot create a mock cluster of %d broker(s)\n", brokers);
    rd_kafka_destroy(rk);
    return 1;
  }

  int status = 0;
  for (int i = 0; i < topic_count && status == 0; i++) {
    if (create_topic(cluster, &topics[i]) != 0) status = 1;
  }

  if (status == 0) {
    printf("BOOTSTRAP=%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
    if (fflush(stdout) != 0) {
      perror("kafka-mock: stdout");
      status = 1;
    } else {
      serve(cluster, watch);
    }
  }

  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return status;
}
