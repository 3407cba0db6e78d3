package com.miteos.orchestrator.adapter.llm.sandbox;

/** Writes a {@link Report} as the text of a file in one format. Implementations are stateless. */
interface ReportRenderer {

    String render(Report report);
}
