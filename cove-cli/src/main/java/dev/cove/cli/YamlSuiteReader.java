package dev.cove.cli;

import dev.cove.core.eval.EvalSuite;
import dev.cove.core.eval.EvalSuiteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * A YAML suite: a list of cases with the fields of the JSONL form, read with snakeyaml-engine
 * (YAML 1.2, so "no" stays a string) keeping the line each case starts on for error messages.
 */
final class YamlSuiteReader {
    private YamlSuiteReader() {
    }

    static EvalSuite read(Path file, String defaultMetric) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new EvalSuiteException(file + ": no such suite file");
        } catch (IOException e) {
            throw new EvalSuiteException(file + ": cannot be read: " + e.getMessage());
        }
        LoadSettings settings = LoadSettings.builder().setLabel(name).setAllowDuplicateKeys(false).build();
        List<EvalSuite.Item> items = new ArrayList<>();
        try {
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
            Optional<Node> root = composer.getSingleNode();
            if (root.isEmpty()) {
                throw new EvalSuiteException(name + ": the suite has no cases");
            }
            if (!(root.get() instanceof SequenceNode seq)) {
                throw new EvalSuiteException(name + ":" + line(root.get()) + ": a YAML suite is a list of cases (\"- id: ...\")");
            }
            StandardConstructor constructor = new StandardConstructor(settings);
            for (Node item : seq.getValue()) {
                items.add(new EvalSuite.Item(line(item), constructor.constructSingleDocument(Optional.of(item))));
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new EvalSuiteException(name + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new EvalSuiteException(name + ": not valid YAML: " + e.getMessage());
        }
        return EvalSuite.fromItems(name, items, defaultMetric);
    }

    private static int line(Node node) {
        return node.getStartMark().map(Mark::getLine).orElse(-1) + 1;
    }
}
