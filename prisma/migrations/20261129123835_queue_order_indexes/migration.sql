-- CreateIndex
CREATE INDEX "Task_queue_order_idx" ON "Task"("projectId", "done" DESC, "createdAt", "id") WHERE (done < wanted);

-- CreateIndex
CREATE INDEX "Task_queue_order_any_idx" ON "Task"("done" DESC, "createdAt", "id") WHERE (done < wanted);
