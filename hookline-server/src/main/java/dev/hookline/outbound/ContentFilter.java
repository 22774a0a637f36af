package dev.hookline.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.JsonPaths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An endpoint's {@code filter}: a condition over the message, checked at fan-out. The message is
 * seen as {@code {"event": …, "channels": […], "data": {…}}}; keys are dotted paths into it.
 *
 * <pre>{@code
 * {"data.machine": {"$ne": true}}                                   // seed 002: no machine events
 * {"$or": [{"data.amount": {"$gte": 1000}}, {"data.vip": true}]}
 * {"event": {"$in": ["message.opened", "message.clicked"]}, "data.bot": {"$exists": false}}
 * }</pre>
 *
 * Several keys in one object must all hold; a bare value means {@code $eq}. Operators: {@code $eq
 * $ne $in $nin $exists $gt $gte $lt $lte $and $or}. A filter is compiled once, when the endpoint is
 * written, so a bad one is refused then with its reason and a stored one cannot fail at fan-out.
 */
public sealed interface ContentFilter {

    boolean matches(JsonNode message);

    /** Compiles {@code json}, or fails with {@link Failure.Invalid} naming the offending path. */
    static ContentFilter compile(String field, JsonNode json) {
        if (!(json instanceof ObjectNode object)) {
            throw new Failure.Invalid(field, "must be an object such as {\"data.amount\": {\"$gt\": 100}}");
        }
        List<ContentFilter> all = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String key = e.getKey();
            String at = field + "." + key;
            switch (key) {
                case "$and", "$or" -> {
                    if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                        throw new Failure.Invalid(at, "must be a non-empty array of filters");
                    }
                    List<ContentFilter> parts = new ArrayList<>();
                    for (int i = 0; i < e.getValue().size(); i++) {
                        parts.add(compile(at + "[" + i + "]", e.getValue().get(i)));
                    }
                    all.add(key.equals("$and") ? new All(parts) : new Any(parts));
                }
                default -> {
                    if (key.startsWith("$")) {
                        throw new Failure.Invalid(at, "'" + key + "' is not allowed here; use $and or $or, or a path such as data.amount");
                    }
                    all.addAll(conditions(at, key, e.getValue()));
                }
            }
        }
        return all.size() == 1 ? all.get(0) : new All(all);
    }

    private static List<ContentFilter> conditions(String at, String path, JsonNode spec) {
        String[] steps = path.split("\\.", -1);
        for (String step : steps) {
            if (step.isEmpty()) {
                throw new Failure.Invalid(at, "'" + path + "' is not a valid dotted path");
            }
        }
        boolean operators = spec.isObject() && !spec.isEmpty() && spec.fieldNames().next().startsWith("$");
        if (!operators) {
            return List.of(new Compare(steps, Op.EQ, spec));
        }
        List<ContentFilter> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Op op = Op.of(at, e.getKey());
            JsonNode operand = e.getValue();
            switch (op) {
                case IN, NIN -> {
                    if (!operand.isArray()) {
                        throw new Failure.Invalid(at + "." + e.getKey(), "must be an array");
                    }
                }
                case EXISTS -> {
                    if (!operand.isBoolean()) {
                        throw new Failure.Invalid(at + "." + e.getKey(), "must be true or false");
                    }
                }
                case GT, GTE, LT, LTE -> {
                    if (!operand.isNumber() && !operand.isTextual()) {
                        throw new Failure.Invalid(at + "." + e.getKey(), "must be a number or a string");
                    }
                }
                default -> { }
            }
            out.add(new Compare(steps, op, operand));
        }
        return out;
    }

    enum Op {
        EQ("$eq"), NE("$ne"), IN("$in"), NIN("$nin"), EXISTS("$exists"), GT("$gt"), GTE("$gte"), LT("$lt"), LTE("$lte");

        private final String name;

        Op(String name) {
            this.name = name;
        }

        static Op of(String at, String name) {
            for (Op op : values()) {
                if (op.name.equals(name)) {
                    return op;
                }
            }
            throw new Failure.Invalid(at + "." + name, "is not an operator; use one of $eq $ne $in $nin $exists $gt $gte $lt $lte");
        }
    }

    record All(List<ContentFilter> parts) implements ContentFilter {
        @Override
        public boolean matches(JsonNode message) {
            for (ContentFilter f : parts) {
                if (!f.matches(message)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Any(List<ContentFilter> parts) implements ContentFilter {
        @Override
        public boolean matches(JsonNode message) {
            for (ContentFilter f : parts) {
                if (f.matches(message)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Compare(String[] path, Op op, JsonNode operand) implements ContentFilter {
        private static final Set<Op> ORDERED = Set.of(Op.GT, Op.GTE, Op.LT, Op.LTE);

        @Override
        public boolean matches(JsonNode message) {
            JsonNode value = JsonPaths.at(message, path);
            boolean present = value != null && !value.isMissingNode();
            return switch (op) {
                case EXISTS -> present == operand.booleanValue();
                case EQ -> present && same(value, operand);
                case NE -> !present || !same(value, operand);
                case IN -> present && contains(operand, value);
                case NIN -> !present || !contains(operand, value);
                default -> present && ORDERED.contains(op) && ordered(value);
            };
        }

        private boolean ordered(JsonNode value) {
            int cmp;
            if (value.isNumber() && operand.isNumber()) {
                if (!isFinite(value) || !isFinite(operand)) {
                    return false;
                }
                cmp = value.decimalValue().compareTo(operand.decimalValue());
            } else if (value.isTextual() && operand.isTextual()) {
                cmp = value.textValue().compareTo(operand.textValue());
            } else {
                return false;
            }
            return switch (op) {
                case GT -> cmp > 0;
                case GTE -> cmp >= 0;
                case LT -> cmp < 0;
                default -> cmp <= 0;
            };
        }

        /** Jackson reads {@code 1e400} as an infinite double, which has no decimal value to compare. */
        private static boolean isFinite(JsonNode number) {
            return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
        }

        private static boolean contains(JsonNode array, JsonNode value) {
            for (JsonNode candidate : array) {
                if (same(candidate, value)) {
                    return true;
                }
            }
            return false;
        }

        /** JSON equality where 1 and 1.0 are the same number, and a number too large for a double ({@code 1e400}) equals nothing. */
        private static boolean same(JsonNode a, JsonNode b) {
            if (a.isNumber() && b.isNumber()) {
                return isFinite(a) && isFinite(b) && a.decimalValue().compareTo(b.decimalValue()) == 0;
            }
            return a.equals(b);
        }
    }
}
