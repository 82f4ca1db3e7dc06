package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.conformance.certify.CertificationReport;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The certification report's JSON Schema, as the suite's jar holds it, for tests. */
final class ReportSchema {

  private static final Schema SCHEMA =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(CertificationReport.jsonSchema(), InputFormat.JSON);

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private ReportSchema() {}

  /** What is wrong with {@code json} as a report; empty when it matches the schema. */
  static List<String> problems(String json) {
    return SCHEMA.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  /** Fails, listing every problem, unless {@code json} matches the schema. */
  static void assertValid(String json) {
    List<String> problems = problems(json);
    if (!problems.isEmpty()) {
      fail(
          "the report does not match its schema:\n  "
              + String.join("\n  ", problems)
              + "\n"
              + json);
    }
  }

  static JsonNode parse(String json) {
    return MAPPER.readTree(json);
  }

  static String write(JsonNode node) {
    return MAPPER.writeValueAsString(node);
  }
}
