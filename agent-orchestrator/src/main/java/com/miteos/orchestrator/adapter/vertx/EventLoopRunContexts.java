package com.miteos.orchestrator.adapter.vertx;

import com.miteos.orchestrator.port.execution.RunContexts;
import io.netty.channel.EventLoop;
import io.opentelemetry.context.Context;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.MDC;

/**
 * Runs each run on a duplicated Vert.x context of its own, on an event loop other than the task
 * commands' one and the caller's. The Kafka connector processes every record of the command
 * channel on one event loop (a duplicated context of the channel's context per record), and
 * what a context starts continues on its event loop: the database's callbacks come back
 * there. A run started from a command's context would do its synchronous work (its
 * start, every sandbox model answer) on the loop the next commands wait for; merely deferring it
 * to the next turn of that context would still put it ahead of them. A new event loop context per
 * run spreads the runs round the loops instead, like Vert.x itself spreads new connections.
 *
 * <p>The new context carries what the command's context carried for the run before: the task's
 * logging context ({@code task_id}, {@code account_id} in Quarkus' MDC, which lives in the
 * duplicated context) and the task's trace as the current OpenTelemetry context, so that the run's
 * log lines name its task and trace wherever they are written.
 */
@ApplicationScoped
public class EventLoopRunContexts implements RunContexts {

    /** Round-robin picks to find a loop other than the avoided ones; there are 2 per core. */
    private static final int PICKS = 16;

    private final VertxInternal vertx;
    private volatile EventLoop commandLoop;

    public EventLoopRunContexts(Vertx vertx) {
        this.vertx = (VertxInternal) vertx;
    }

    /** The task commands are processed on this context's event loop: runs keep off it. */
    public void keepForCommands(io.vertx.core.Context commands) {
        if (commands instanceof ContextInternal context) {
            commandLoop = context.nettyEventLoop();
        }
    }

    @Override
    public void start(String taskId, String accountId, Context trace, Runnable start) {
        ContextInternal caller = ContextInternal.current();
        EventLoop callerLoop = caller == null ? null : caller.nettyEventLoop();
        io.vertx.core.Context own = VertxContext.createNewDuplicatedContext(rootAwayFrom(callerLoop));
        Runnable handOver = () -> own.runOnContext(ignored -> {
            MDC.put("task_id", taskId);
            if (accountId != null) {
                MDC.put("account_id", accountId);
            }
            // Never closed: the context is the run's own, and is dropped when the run ends.
            trace.makeCurrent();
            start.run();
        });
        if (caller == null) {
            handOver.run();
        } else {
            // Handed over once the caller's turn is over: the other loop would otherwise start the run
            // while the caller (a command being acknowledged) is still in it. The hop itself is tiny.
            caller.runOnContext(ignored -> handOver.run());
        }
    }

    private ContextInternal rootAwayFrom(EventLoop callerLoop) {
        EventLoop commands = commandLoop;
        ContextInternal root = vertx.createEventLoopContext();
        for (int pick = 1; pick < PICKS && (root.nettyEventLoop() == commands || root.nettyEventLoop() == callerLoop);
                pick++) {
            root = vertx.createEventLoopContext();
        }
        return root;
    }
}
