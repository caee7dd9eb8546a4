"""The tool-using agent scaffold: the tools the model calls in the sandbox (issue 15).

`ToolBox` runs one tool call at a time against a `Sandbox`; the agent loop sends `specs` to the
provider (in the Chat Completions or the Responses API shape) and feeds back each `ToolResult`.
"""

from codebench.models.agent.tools import ToolBox, ToolLimits, ToolResult, ToolSpec

__all__ = ["ToolBox", "ToolLimits", "ToolResult", "ToolSpec"]
