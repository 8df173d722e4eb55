package com.mallquest.local.runner;

import com.mallquest.local.services.SamTemplate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the template's intrinsic functions ({@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub},
 * {@code Fn::Join}) to local values: parameters to their overrides or defaults, tables to their local names,
 * pseudo parameters to {@link LocalAws}, and anything that names the cache's endpoint to the local cache URL
 * ({@code REDIS_URL} from the shell, or the runner's own redis-server).
 */
public final class LocalValues {

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final String CACHE_TYPE = "AWS::ElastiCache::ServerlessCache";
    private static final String TABLE_TYPE = "AWS::DynamoDB::Table";

    private final SamTemplate template;
    private final Map<String, String> parameters;
    private final Map<String, String> tableNames;
    private final String localCacheUrl;

    /**
     * @param template          the template
     * @param parameterOverrides {@code --parameter-overrides} values
     * @param tableNames        table logical id to local table name
     * @param localCacheUrl     what a reference to the cache endpoint becomes ({@code ""}: no cache server)
     */
    public LocalValues(SamTemplate template, Map<String, String> parameterOverrides, Map<String, String> tableNames, String localCacheUrl) {
        this.template = template;
        this.tableNames = Map.copyOf(tableNames);
        this.localCacheUrl = localCacheUrl == null ? "" : localCacheUrl;
        Map<String, String> values = new LinkedHashMap<>();
        template.parameters().forEach((name, declaration) -> {
            Object fallback = declaration.get("Default");
            if (fallback != null) {
                values.put(name, fallback instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(fallback));
            }
        });
        parameterOverrides.forEach((name, value) -> {
            if (!template.parameters().containsKey(name)) {
                throw new UserError("--parameter-overrides names " + name + ", which template.yaml does not declare under Parameters");
            }
            values.put(name, value);
        });
        this.parameters = Map.copyOf(values);
    }

    /** A parameter's local value (override, else default), empty when it has neither. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    /** {@code value} (a literal or an intrinsic) as a string; unknown references resolve to {@code ""}. */
    public String resolve(Object value) {
        Resolution resolution = new Resolution();
        String text = resolve(value, resolution);
        return resolution.namesCacheEndpoint ? localCacheUrl : text;
    }

    private String resolve(Object value, Resolution resolution) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            Map.Entry<?, ?> entry = map.entrySet().iterator().next();
            String function = String.valueOf(entry.getKey());
            Object argument = entry.getValue();
            switch (function) {
                case "Ref":
                    return ref(String.valueOf(argument), resolution);
                case "Fn::GetAtt":
                    return getAtt(argument, resolution);
                case "Fn::Sub":
                    return sub(argument, resolution);
                case "Fn::Join":
                    if (argument instanceof List<?> list && list.size() == 2 && list.get(1) instanceof List<?> parts) {
                        List<String> resolved = new ArrayList<>();
                        parts.forEach(p -> resolved.add(resolve(p, resolution)));
                        return String.join(String.valueOf(list.get(0)), resolved);
                    }
                    return "";
                default:
                    return "";
            }
        }
        if (value instanceof List<?> list) {
            List<String> resolved = new ArrayList<>();
            list.forEach(p -> resolved.add(resolve(p, resolution)));
            return String.join(",", resolved);
        }
        return String.valueOf(value);
    }

    private String ref(String name, Resolution resolution) {
        switch (name) {
            case "AWS::Region": return LocalAws.REGION;
            case "AWS::AccountId": return LocalAws.ACCOUNT_ID;
            case "AWS::StackName": return LocalAws.STACK_NAME;
            case "AWS::Partition": return "aws";
            case "AWS::URLSuffix": return "amazonaws.com";
            case "AWS::NoValue": return "";
            default: break;
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        if (tableNames.containsKey(name)) {
            return tableNames.get(name);
        }
        if (template.parameters().containsKey(name)) {
            return ""; // a parameter without default or override
        }
        return template.resource(name).map(r -> LocalAws.STACK_NAME + "-" + r.logicalId()).orElse("");
    }

    private String getAtt(Object argument, Resolution resolution) {
        String resource;
        String attribute;
        if (argument instanceof List<?> list && list.size() == 2) {
            resource = String.valueOf(list.get(0));
            attribute = String.valueOf(list.get(1));
        } else {
            String text = String.valueOf(argument);
            int dot = text.indexOf('.');
            if (dot < 0) {
                return "";
            }
            resource = text.substring(0, dot);
            attribute = text.substring(dot + 1);
        }
        Optional<SamTemplate.Resource> declared = template.resource(resource);
        if (declared.isEmpty()) {
            return "";
        }
        String type = declared.get().type();
        if (CACHE_TYPE.equals(type) && attribute.startsWith("Endpoint")) {
            resolution.namesCacheEndpoint = true;
            return "";
        }
        if (TABLE_TYPE.equals(type) && attribute.equals("Arn")) {
            return "arn:aws:dynamodb:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":table/" + ref(resource, resolution);
        }
        return "";
    }

    private String sub(Object argument, Resolution resolution) {
        String text;
        Map<?, ?> variables = Map.of();
        if (argument instanceof List<?> list && !list.isEmpty()) {
            text = String.valueOf(list.get(0));
            if (list.size() > 1 && list.get(1) instanceof Map<?, ?> map) {
                variables = map;
            }
        } else {
            text = String.valueOf(argument);
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1).trim();
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                replacement = resolve(variables.get(name), resolution);
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                replacement = getAtt(name, resolution);
            } else {
                replacement = ref(name, resolution);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static final class Resolution {
        boolean namesCacheEndpoint;
    }
}
