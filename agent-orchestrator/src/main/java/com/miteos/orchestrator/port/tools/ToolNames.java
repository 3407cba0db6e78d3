package com.miteos.orchestrator.port.tools;

/** The names of the tools agents can call, as models see them. */
public final class ToolNames {

    public static final String WEB_SEARCH = "web_search";
    public static final String FETCH_URL = "fetch_url";
    public static final String WRITE_FILE = "write_file";
    public static final String READ_FILE = "read_file";
    public static final String LIST_FILES = "list_files";
    public static final String FINISH = "finish";

    private ToolNames() {
    }
}
