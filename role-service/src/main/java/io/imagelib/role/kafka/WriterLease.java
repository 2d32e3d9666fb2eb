package io.imagelib.role.kafka;

import io.imagelib.avro.HostRole;
import io.imagelib.role.domain.WriterView;
import io.imagelib.schemas.topics.Topics;
import io.imagelib.support.kafka.CompactedTopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer lease of role-service replicas. Every replica is a member of consumer group {@value #GROUP_ID} on the
 * one-partition lease topic; the member assigned the partition is the writer. On taking the lease it opens a
 * transactional producer with the fixed id {@value #TRANSACTIONAL_ID}: {@code initTransactions()} makes the broker
 * fence every earlier holder (a paused ex-writer's next commit fails with {@link ProducerFencedException}) and abort
 * its open transaction. Only then does it read host-roles up to the end, so it decides on everything any earlier
 * writer committed and nothing an earlier writer can still commit.
 */
public final class WriterLease implements WriterLeaseAssignor.Member, RolePublisher, AutoCloseable {

    public static final String GROUP_ID = "role-service-writer";
    public static final String TRANSACTIONAL_ID = "role-service-writer";

    private static final Logger log = LoggerFactory.getLogger(WriterLease.class);
    private static final TopicPartition LEASE = new TopicPartition(Topics.ROLE_WRITER_LEASE_NAME, 0);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    /**
     * @param sessionTimeout how long the group waits for a silent writer (kill -9, pause) before handing the lease on;
     *                       the brokers' {@code group.min.session.timeout.ms} (6 s unless lowered) is the floor
     * @param publishTimeout bound of one transactional write (send, acknowledgement, commit)
     * @param catchUpTimeout how long a new writer may take to read host-roles to its end before it gives the lease up
     */
    public record Settings(Duration sessionTimeout, Duration publishTimeout, Duration catchUpTimeout) {
    }

    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final Map<String, Object> adminConfig;
    private final CompactedTopicReader<HostRole> reader;
    private final Settings settings;
    private final MeterRegistry meters;
    private volatile WriterView view = WriterView.noWriter("");
    /** Held the lease at the last assignment and was not fenced since: asks the group to keep it here. */
    private volatile boolean claim;
    private volatile boolean rejoin;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<String, Object> producer;  // guarded by this
    private final ExecutorService loop =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("role-writer-lease").factory());

    public WriterLease(Map<String, Object> consumerConfig, Map<String, Object> producerConfig, Map<String, Object> adminConfig,
                       CompactedTopicReader<HostRole> reader, Settings settings, MeterRegistry meters) {
        this.adminConfig = Map.copyOf(adminConfig);
        this.reader = reader;
        this.settings = settings;
        this.meters = meters;
        Map<String, Object> consumer = new HashMap<>(consumerConfig);
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        consumer.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.sessionTimeout().toMillis() / 4);
        consumer.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, WriterLeaseAssignor.class.getName());
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(WriterLeaseAssignor.MEMBER_CONFIG, this);
        this.consumerConfig = consumer;
        Map<String, Object> producer = new HashMap<>(producerConfig);
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) settings.publishTimeout().toMillis());
        // A writer that dies inside a transaction holds back every read_committed reader until this passes
        // (unless a new writer aborts it first); our transactions last milliseconds.
        producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.publishTimeout().toMillis());
        this.producerConfig = producer;
        meters.gauge("imagelib.role.writer.lease", this, lease -> lease.view.holdsLease() ? 1 : 0);
    }

    /** Joins the writer group, advertising {@code selfUrl} as where other replicas forward writes. */
    public synchronized void start(String selfUrl) {
        if (running) {
            return;
        }
        view = WriterView.noWriter(selfUrl);
        running = true;
        loop.execute(this::run);
    }

    public WriterView view() {
        return view;
    }

    @Override
    public String selfUrl() {
        return view.selfUrl();
    }

    @Override
    public boolean claimsLease() {
        return claim;
    }

    @Override
    public void writerNamed(Optional<String> writerUrl) {
        WriterView v = view;
        view = new WriterView(v.holdsLease(), v.caughtUp(), writerUrl, v.selfUrl());
        log.info("Writer lease assigned: writer is {}", writerUrl.orElse("nobody"));
    }

    /**
     * Writes one record in its own transaction, only while this replica holds the lease.
     *
     * @throws NotWriterException when this replica is not (or, fenced by the broker, no longer) the writer
     */
    @Override
    public synchronized RecordMetadata publish(ProducerRecord<String, Object> record)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (!view.holdsLease() || !view.caughtUp() || producer == null) {
            throw new NotWriterException("this replica does not hold the writer lease");
        }
        try {
            producer.beginTransaction();
            var sent = producer.send(record);
            RecordMetadata metadata = sent.get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            producer.commitTransaction();
            return metadata;
        } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
            throw fenced();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProducerFencedException || e.getCause() instanceof InvalidProducerEpochException) {
                throw fenced();
            }
            lose("failed", "a transactional write failed: " + e.getCause());
            throw e;
        } catch (KafkaException | TimeoutException | InterruptedException e) {
            // The transaction's fate is unknown and the producer may be unusable: re-take the lease from the group
            // (init again, read to the end) rather than guess; the caller answers 503 and the client repeats.
            lose("failed", "a transactional write failed: " + e);
            throw e;
        }
    }

    /** Another replica initialised the transactional id after us: it is the writer now, not this one. */
    private NotWriterException fenced() {
        claim = false;
        lose("fenced", "the broker fenced its producer: another replica took the writer lease");
        return new NotWriterException("the broker fenced this replica's producer: another replica is the writer");
    }

    /** Leaves the group (the next writer is chosen at once) and closes the producer. */
    @Override
    public void close() {
        running = false;
        Optional.ofNullable(consumer).ifPresent(KafkaConsumer::wakeup);
        loop.shutdown();
        try {
            if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("The writer lease consumer did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stepDown("stopped");
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerConfig)) {
                consumer = kafka;
                kafka.subscribe(List.of(Topics.ROLE_WRITER_LEASE_NAME), new Rebalances(kafka));
                while (running) {
                    if (rejoin) {
                        rejoin = false;
                        kafka.enforceRebalance("the writer gave up the lease");
                    }
                    kafka.poll(POLL);
                }
            } catch (WakeupException stopping) {
                // close() woke the consumer
            } catch (RuntimeException e) {
                log.error("Writer lease consumer failed, joining again in {}: {}", RETRY_PAUSE, e.toString(), e);
                stepDown("consumer failed");
                sleep(RETRY_PAUSE);
            }
        }
    }

    private final class Rebalances implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> kafka;

        Rebalances(KafkaConsumer<byte[], byte[]> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.contains(LEASE)) {
                takeOver(kafka);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.contains(LEASE)) {
                stepDown("rebalance");
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            claim = false;
            stepDown("lost the group membership (session timed out)");
        }
    }

    /** Fence earlier writers first, then read what they committed: the order is what makes the state complete. */
    private void takeOver(KafkaConsumer<byte[], byte[]> kafka) {
        long started = System.nanoTime();
        try {
            synchronized (this) {
                closeProducer();
                producer = new KafkaProducer<>(producerConfig);
                producer.initTransactions();
                claim = true;
                setHolding(true, false);
            }
            Map<TopicPartition, Long> ends = committedEnds(kafka);
            long deadline = System.nanoTime() + settings.catchUpTimeout().toNanos();
            for (var end : ends.entrySet()) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (end.getValue() > 0 && !reader.awaitApplied(end.getKey().partition(), end.getValue() - 1, left)) {
                    lose("failed", "host-roles not read to its end within " + settings.catchUpTimeout());
                    return;
                }
            }
            setHolding(true, true);
            meters.counter("imagelib.role.writer.transitions", "transition", "took-over").increment();
            log.info("This replica ({}) is the role writer; took over in {} ms", view.selfUrl(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (KafkaException | ExecutionException e) {
            lose("failed", "could not take the writer lease: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lose("failed", "interrupted while taking the writer lease");
        }
    }

    /** The end of host-roles as read_committed readers see it (through the admin client: no consumer assignment). */
    private Map<TopicPartition, Long> committedEnds(KafkaConsumer<byte[], byte[]> kafka)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        kafka.partitionsFor(Topics.HOST_ROLES_NAME).forEach(
                p -> latest.put(new TopicPartition(p.topic(), p.partition()), OffsetSpec.latest()));
        try (Admin admin = Admin.create(adminConfig)) {
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }

    /** Stops writing and asks the group to assign the lease again (here again, if nobody else claims it). */
    private void lose(String transition, String why) {
        meters.counter("imagelib.role.writer.transitions", "transition", transition).increment();
        log.warn("Gave up the role writer lease: {}", why);
        stepDown(transition);
        rejoin = true;
    }

    private synchronized void stepDown(String why) {
        if (view.holdsLease()) {
            log.info("This replica ({}) stopped being the role writer: {}", view.selfUrl(), why);
        }
        setHolding(false, false);
        closeProducer();
    }

    private void setHolding(boolean holds, boolean caughtUp) {
        WriterView v = view;
        view = new WriterView(holds, caughtUp, v.writerUrl(), v.selfUrl());
    }

    private void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
