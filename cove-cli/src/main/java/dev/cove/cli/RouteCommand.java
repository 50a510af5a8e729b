package dev.cove.cli;

import dev.cove.core.route.ClassifierFile;
import dev.cove.core.route.ConfusionMatrix;
import dev.cove.core.route.LogisticRegression;
import dev.cove.core.route.NgramFeatures;
import dev.cove.core.route.RouteClassifier;
import dev.cove.server.route.RouteDecision;
import dev.cove.server.route.Router;
import dev.cove.server.route.RoutesConfig;
import dev.cove.server.route.RoutesFile;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove route train|eval}: the classifier of {@code cove serve --router}. It is trained
 * from the examples of {@code ROUTES.yaml} and kept beside it as {@code ROUTES.classifier};
 * {@code eval} measures it on requests labelled with the route they belong to.
 */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = {"Train and evaluate the request router of `cove serve --router ROUTES.yaml`.",
                "ROUTES.yaml (or JSON): 'routes', a list of {name, model, examples}; optional 'router' (the model"
                        + " name clients send to be routed, default auto), 'threshold' (default 0.5: below this"
                        + " confidence the default route answers) and 'default' (default: the first route)."},
        subcommands = {RouteCommand.Train.class, RouteCommand.Eval.class})
final class RouteCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train the router's classifier (logistic regression over character n-grams and words) from"
                    + " the examples of ROUTES.yaml, and write it beside it as ROUTES.classifier.")
    static final class Train implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ROUTES.yaml", description = "The routes file.")
        Path routes;

        @Option(names = "--l2", defaultValue = "3e-6", paramLabel = "LAMBDA",
                description = "Strength of the L2 penalty; larger gives softer confidences (default: ${DEFAULT-VALUE}).")
        double l2;

        @picocli.CommandLine.Mixin
        Notices.QuietOption quiet = new Notices.QuietOption();

        @Override
        public Integer call() {
            if (!(l2 > 0) || l2 > 1) {
                throw new IllegalArgumentException("--l2 must be above 0 and at most 1");
            }
            RoutesConfig config = RoutesFile.read(routes);
            long start = System.nanoTime();
            RouteClassifier classifier = RouteClassifier.train(config.training(), NgramFeatures.standard(),
                    new LogisticRegression.Options(l2, 20_000, 1e-6));
            double seconds = (System.nanoTime() - start) / 1e9;
            Path out = config.classifierFile();
            ClassifierFile.write(out, classifier);
            long right = 0;
            for (RoutesConfig.Route r : config.routes()) {
                for (String e : r.examples()) {
                    right += classifier.classify(e).route().equals(r.name()) ? 1 : 0;
                }
            }
            long size;
            try {
                size = Files.size(out);
            } catch (java.io.IOException e) {
                size = -1;
            }
            if (!Notices.quiet()) {
                System.err.printf(Locale.ROOT, "cove: wrote %s: %d routes, %d examples, %d features, %d bytes, trained in"
                                + " %.1f s; %d of %d examples classified as their own route%n", out,
                        config.routes().size(), classifier.examples(), classifier.featureCount(), size, seconds, right,
                        classifier.examples());
            }
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {"Route labelled requests as the server would and report accuracy, each route's precision"
                    + " and recall, the confusion matrix, and the time a routing decision takes.",
                    "LABELLED.jsonl: one JSON object per line, {\"route\": NAME, \"text\": TEXT} (or \"prompt\","
                            + " or \"messages\": the last user message is routed)."})
    static final class Eval implements Callable<Integer> {
        /** Decisions timed, enough for a steady 99th percentile. */
        private static final int TIMED_CALLS = 5000;
        /** Untimed decisions first, so that the JIT has compiled the classifier (a server's steady state). */
        private static final int WARM_UP_CALLS = 30_000;

        @Parameters(index = "0", paramLabel = "ROUTES.yaml", description = "The routes file (trained).")
        Path routes;

        @Parameters(index = "1", paramLabel = "LABELLED.jsonl", description = "Requests labelled with their route.")
        Path labelled;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Router router = Router.load(routes);
            RoutesConfig config = router.config();
            List<String> names = config.routes().stream().map(RoutesConfig.Route::name).toList();
            List<LabelledRequests.Labelled> requests = LabelledRequests.read(labelled, names);
            ConfusionMatrix routed = new ConfusionMatrix(names);
            ConfusionMatrix classified = new ConfusionMatrix(names);
            int belowThreshold = 0;
            for (LabelledRequests.Labelled r : requests) {
                RouteDecision d = router.route(r.text());
                routed.add(names.indexOf(r.route()), names.indexOf(d.route()));
                classified.add(names.indexOf(r.route()), names.indexOf(d.classified()));
                belowThreshold += d.reason() == RouteDecision.Reason.CLASSIFIED ? 0 : 1;
            }
            long cpuBefore = THREADS.getCurrentThreadCpuTime();
            long[] nanos = time(router, requests);
            double cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1e6 / (WARM_UP_CALLS + TIMED_CALLS);
            RouteReport report = new RouteReport(routes, labelled, config, routed, classified, belowThreshold, nanos,
                    cpuMillis);
            PrintStream out = Stdout.utf8();
            out.println(json ? report.toJson() : report.toTable());
            out.flush();
            return 0;
        }

        /** Each routing decision's time, over the set again and again once the JIT has compiled it. */
        private static long[] time(Router router, List<LabelledRequests.Labelled> requests) {
            for (int i = 0; i < WARM_UP_CALLS; i++) {
                blackhole(router.route(requests.get(i % requests.size()).text()));
            }
            long[] nanos = new long[TIMED_CALLS];
            for (int i = 0; i < TIMED_CALLS; i++) {
                String text = requests.get(i % requests.size()).text();
                long t0 = System.nanoTime();
                RouteDecision d = router.route(text);
                nanos[i] = System.nanoTime() - t0;
                blackhole(d);
            }
            Arrays.sort(nanos);
            return nanos;
        }

        private static final java.lang.management.ThreadMXBean THREADS =
                java.lang.management.ManagementFactory.getThreadMXBean();
        private static double sink;

        private static void blackhole(RouteDecision d) {
            sink += d.confidence(); // keeps the JIT from dropping the call
        }
    }
}
