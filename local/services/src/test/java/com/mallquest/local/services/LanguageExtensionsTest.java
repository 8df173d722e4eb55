package com.mallquest.local.services;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LanguageExtensionsTest {

    private static final String HEADER = "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n";

    private static Map<String, Object> resources(String yaml) {
        return SamTemplate.map(SamTemplate.parse(yaml).root().get("Resources"), "Resources");
    }

    @Test
    void expand_shouldRepeatTheFragmentPerValue_substitutingKeysSubsAndRefs() {
        // GIVEN a loop over two functions, naming each alarm after its function and referring to it three ways
        String yaml = HEADER + String.join("\n",
                "Resources:",
                "  Fn::ForEach::Alarms:",
                "    - Fn",
                "    - [ApiFunction, CleanupFunction]",
                "    - ${Fn}Alarm:",
                "        Type: AWS::CloudWatch::Alarm",
                "        Properties:",
                "          AlarmDescription: !Sub '${Fn}: throttled (${Threshold} or more)'",
                "          Name: !Sub '${Fn} alarm'",
                "          Text: !Ref Fn",
                "          Value: {Ref: !Sub '${Fn}'}",
                "          Topic: !Ref AlarmTopic",
                "          Arn: !GetAtt [!Sub '${Fn}', Arn]",
                "  AlarmTopic:",
                "    Type: AWS::SNS::Topic",
                "");

        // WHEN it is loaded
        Map<String, Object> resources = resources(yaml);

        // THEN one alarm per value, in order, beside the resources written out
        assertEquals(List.of("ApiFunctionAlarm", "CleanupFunctionAlarm", "AlarmTopic"), List.copyOf(resources.keySet()));
        Map<String, Object> p = SamTemplate.map(SamTemplate.map(resources.get("CleanupFunctionAlarm"), "alarm").get("Properties"), "p");
        // AND a Sub keeps the placeholders that are not the loop's, and is plain text when none is left
        assertEquals(Map.of("Fn::Sub", "CleanupFunction: throttled (${Threshold} or more)"), p.get("AlarmDescription"));
        assertEquals("CleanupFunction alarm", p.get("Name"));
        // AND !Ref of the identifier is the value; a Ref of a Sub is a Ref to the resource it names
        assertEquals("CleanupFunction", p.get("Text"));
        assertEquals(Map.of("Ref", "CleanupFunction"), p.get("Value"));
        assertEquals(Map.of("Ref", "AlarmTopic"), p.get("Topic"));
        assertEquals(Map.of("Fn::GetAtt", List.of("CleanupFunction", "Arn")), p.get("Arn"));
    }

    @Test
    void expand_shouldExpandNestedLoops_andLoopsInProperties_withTheAlphanumericForm() {
        // GIVEN a loop in a loop, and one inside a resource's properties using &{} (letters and digits only)
        String yaml = HEADER + String.join("\n",
                "Resources:",
                "  Fn::ForEach::Outer:",
                "    - Side",
                "    - [a, b]",
                "    - Fn::ForEach::Inner:",
                "        - Size",
                "        - [1, 2]",
                "        - Thing${Side}${Size}:",
                "            Type: Custom::Thing",
                "            Properties:",
                "              Fn::ForEach::Tags:",
                "                - Tag",
                "                - [team-a, 'cost.centre']",
                "                - Tag&{Tag}: !Sub '${Side}/${Size}/${Tag}'",
                "");

        // WHEN
        Map<String, Object> resources = resources(yaml);

        // THEN
        assertEquals(List.of("Thinga1", "Thinga2", "Thingb1", "Thingb2"), List.copyOf(resources.keySet()));
        Map<String, Object> thing = SamTemplate.map(resources.get("Thingb2"), "thing");
        assertEquals(Map.of("Tagteama", "b/2/team-a", "Tagcostcentre", "b/2/cost.centre"), thing.get("Properties"));
    }

    @Test
    void expand_shouldLeaveATemplateWithoutLoopsAsItIs() {
        // GIVEN a template without loops or the transform
        String yaml = "Transform: AWS::Serverless-2016-10-31\nResources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: {Name: !Sub '${AWS::StackName}-t'}\n";
        SamTemplate template = SamTemplate.parse(yaml);

        // WHEN / THEN the expanded document equals the written one
        assertEquals(template.written(), template.root());
    }

    @Test
    void expand_shouldRefuse_whatCloudFormationWouldNotExpandTheSameWay() {
        // GIVEN loops this expander must not get wrong silently, WHEN loaded, THEN each is refused with its reason
        Map<String, String> refused = Map.of(
                "Resources:\n  Fn::ForEach::L: [X, [a, a], {'T${X}': {Type: Custom::T}}]\n", "produces Ta twice",
                "Resources:\n  Ta: {Type: Custom::T}\n  Fn::ForEach::L: [X, [a], {'T${X}': {Type: Custom::T}}]\n", "produces Ta twice",
                "Resources:\n  Fn::ForEach::L: [X, [a], {'T${X}': {Type: Custom::T, Properties: {N: 'x${X}'}}}]\n", "write !Sub",
                "Resources:\n  Fn::ForEach::L: [X, !Ref Names, {'T${X}': {Type: Custom::T}}]\n", "literal list",
                "Resources:\n  Fn::ForEach::L: [X, [a]]\n", "expected [Identifier",
                "Resources:\n  Fn::ForEach::L: [X, [[a]], {'T${X}': {Type: Custom::T}}]\n", "must be scalars",
                "Parameters:\n  Fn::ForEach::L: [X, [a], {'P${X}': {Type: String}}]\nResources: {}\n", "only in Conditions, Resources and Outputs");
        refused.forEach((yaml, reason) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamTemplate.parse(HEADER + yaml), yaml);
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        });
        // AND a loop without the transform declared
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamTemplate.parse(
                "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn::ForEach::L: [X, [a], {'T${X}': {Type: Custom::T}}]\n"));
        assertTrue(e.getMessage().contains("needs Transform: AWS::LanguageExtensions"), e.getMessage());
    }

    @Test
    void declaredBy_shouldReadTheTransformAsANameOrAList() {
        assertTrue(LanguageExtensions.declaredBy(Map.of("Transform", "AWS::LanguageExtensions")));
        assertTrue(LanguageExtensions.declaredBy(Map.of("Transform", List.of("AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"))));
        assertEquals(false, LanguageExtensions.declaredBy(Map.of("Transform", "AWS::Serverless-2016-10-31")));
        assertEquals(false, LanguageExtensions.declaredBy(Map.of()));
    }
}
