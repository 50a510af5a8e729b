package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.secure.pull.HubClient;
import dev.cove.secure.pull.HubRef;
import dev.cove.secure.pull.HubSettings;
import dev.cove.secure.pull.ProgressListener;
import dev.cove.secure.pull.Puller;
import dev.cove.secure.store.Manifest;
import dev.cove.server.ModelPuller;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code /api/pull} of {@code cove serve}: the same pull as {@code cove pull} (SHA-256 verified,
 * resumable, into the store), then the same load as every served model, under the trust policy.
 */
final class StorePuller implements ModelPuller {
    private final int threads;
    private final String trustPolicy;

    StorePuller(int threads, String trustPolicy) {
        this.threads = threads;
        this.trustPolicy = trustPolicy;
    }

    @Override
    public Pulled pull(String spec, Progress progress, AtomicBoolean cancel) {
        try {
            HubRef.parse(spec);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        var store = SecureCli.store();
        Puller puller = new Puller(store, new HubClient(HubSettings.fromEnvironment(SecureCli.env(), false)));
        Puller.Outcome o = puller.pull(new Puller.Request(spec, null, null, null, false), new ProgressListener() {
            private String what = "";
            private long total = -1;
            private long shownAt = Long.MIN_VALUE;
            private long shownNanos;

            @Override
            public void started(String file, long size, long resumedFrom) {
                what = file;
                total = size;
                progress.downloading(what, resumedFrom, total);
            }

            /** At most every 1% or 200 ms: a status line per network read would flood the client. */
            @Override
            public void progress(long done) {
                long now = System.nanoTime();
                if (done == total || done - shownAt >= Math.max(1, total / 100) || now - shownNanos > 200_000_000L) {
                    shownAt = done;
                    shownNanos = now;
                    progress.downloading(what, done, total);
                }
            }

            @Override
            public void finished() {
                progress.status("verifying sha256 digest");
            }
        }, cancel);
        progress.status("writing manifest");
        Manifest m = o.manifest();
        Model model = SecureCli.load(m.name(), threads, trustPolicy);
        return new Pulled(m.name(), m.digest(), model);
    }
}
