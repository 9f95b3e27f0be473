/*
 * A real Kafka-protocol broker on loopback for the tests: librdkafka's mock cluster
 * (rd_kafka_mock_cluster_new, Debian librdkafka-dev). tests/helpers/kafka_mock.ts builds this file with gcc
 * into a temporary directory and runs it; it is never committed as a binary.
 *
 *   kafka_mock [BROKERS]     prints "bootstrap HOST:PORT[,HOST:PORT...]" on stdout, then obeys stdin:
 *     topic NAME PARTITIONS  create a topic
 *     down ID | up ID        disconnect a broker and refuse connections / accept them again (-1: all);
 *                            the topics and their messages stay
 *     rtt ID MS              delay every response of a broker
 *   and answers each line with "ok" or "error REASON". End of stdin ends the cluster.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply(rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
    printf("ok\n");
  else
    printf("error %s\n", rd_kafka_err2str(err));
  fflush(stdout);
}

int main(int argc, char **argv) {
  int brokers = argc > 1 ? atoi(argv[1]) : 1;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The handle only keeps the cluster's books; keep its own logging quiet. */
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (!cluster) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    return 1;
  }
  printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);

  char line[1024];
  while (fgets(line, sizeof(line), stdin)) {
    char name[512];
    int a, b;
    if (sscanf(line, "topic %511s %d", name, &a) == 2)
      reply(rd_kafka_mock_topic_create(cluster, name, a, 1));
    else if (sscanf(line, "down %d", &a) == 1)
      reply(rd_kafka_mock_broker_set_down(cluster, a));
    else if (sscanf(line, "up %d", &a) == 1)
      reply(rd_kafka_mock_broker_set_up(cluster, a));
    else if (sscanf(line, "rtt %d %d", &a, &b) == 2)
      reply(rd_kafka_mock_broker_set_rtt(cluster, a, b));
    else {
      printf("error unknown command\n");
      fflush(stdout);
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
