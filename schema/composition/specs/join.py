"""The join spec the supergraph links, and the definitions it brings.

The version follows the newest federation version among the subgraphs, as composers pick it:
join v0.3 up to federation 2.6, v0.4 (``overrideLabel``) for 2.7, v0.5 (context arguments)
from 2.8. Definitions are written out the way composers print them.
"""

from __future__ import annotations

from schema.composition.specs.federation import FederationVersion

LINK_URL = "https://specs.apollo.dev/link/v1.0"
TAG_URL = "https://specs.apollo.dev/tag/v0.3"
INACCESSIBLE_URL = "https://specs.apollo.dev/inaccessible/v0.2"


def join_version(federation_version: FederationVersion) -> str:
    if federation_version >= (2, 8):
        return "v0.5"
    if federation_version >= (2, 7):
        return "v0.4"
    return "v0.3"


def join_url(federation_version: FederationVersion) -> str:
    return f"https://specs.apollo.dev/join/{join_version(federation_version)}"


def join_definitions(federation_version: FederationVersion) -> str:
    label = "overrideLabel: String" if federation_version >= (2, 7) else ""
    has_context = federation_version >= (2, 8)
    context = "contextArguments: [join__ContextArgument!]" if has_context else ""
    context_argument = (
        """
input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}
"""
        if has_context
        else ""
    )
    field_value = "scalar join__FieldValue" if has_context else ""
    return f"""
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__field(
  graph: join__Graph
  requires: join__FieldSet
  provides: join__FieldSet
  type: String
  external: Boolean
  override: String
  usedOverridden: Boolean
  {label}
  {context}
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
{context_argument}
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT \
| INTERFACE

directive @join__type(
  graph: join__Graph!
  key: join__FieldSet
  extension: Boolean! = false
  resolvable: Boolean! = true
  isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

scalar join__FieldSet

{field_value}
"""


LINK_DEFINITIONS = '''
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) \
repeatable on SCHEMA

scalar link__Import

enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}
'''

TAG_DEFINITION = """
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION \
| ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA
"""

INACCESSIBLE_DEFINITION = """
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM | ENUM_VALUE \
| SCALAR | INPUT_OBJECT | INPUT_FIELD_DEFINITION | ARGUMENT_DEFINITION
"""

POLICY_URL = "https://specs.apollo.dev/policy/v0.1"
REQUIRES_SCOPES_URL = "https://specs.apollo.dev/requiresScopes/v0.1"
AUTHENTICATED_URL = "https://specs.apollo.dev/authenticated/v0.1"

POLICY_DEFINITION = """
directive @policy(policies: [[policy__Policy!]!]!) on ENUM | FIELD_DEFINITION | INTERFACE \
| OBJECT | SCALAR

scalar policy__Policy
"""

REQUIRES_SCOPES_DEFINITION = """
directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT \
| INTERFACE | SCALAR | ENUM

scalar requiresScopes__Scope
"""

AUTHENTICATED_DEFINITION = """
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
"""
