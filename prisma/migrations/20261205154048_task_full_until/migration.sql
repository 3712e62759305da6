-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "fullUntil" TIMESTAMPTZ(3);

-- Next-task's hint (Task."fullUntil", lib/labeling/sql/next-task.ts) says no slot is free before a
-- time; it may only ever be too early, never too late. Whatever frees a slot sooner clears it here,
-- whichever code path (or person at a psql prompt) does it: an active lease that is released,
-- skipped, expired or deleted, a task's done lowered or its wanted raised. Submitting a lease uses
-- the slot rather than freeing it, so it leaves the hint alone.
CREATE FUNCTION "task_slot_freed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Task" SET "fullUntil" = NULL WHERE id = OLD."taskId" AND "fullUntil" IS NOT NULL;
  RETURN NULL;
END $$;

CREATE TRIGGER "Assignment_slot_freed" AFTER UPDATE OF status, "leasedUntil" ON "Assignment" FOR EACH ROW
  WHEN (OLD.status = 'active' AND (NEW.status NOT IN ('active', 'submitted') OR NEW."leasedUntil" < OLD."leasedUntil"))
  EXECUTE FUNCTION "task_slot_freed"();

CREATE TRIGGER "Assignment_slot_deleted" AFTER DELETE ON "Assignment" FOR EACH ROW
  WHEN (OLD.status = 'active')
  EXECUTE FUNCTION "task_slot_freed"();

CREATE FUNCTION "task_slots_grew"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."fullUntil" := NULL;
  RETURN NEW;
END $$;

CREATE TRIGGER "Task_slots_grew" BEFORE UPDATE OF done, wanted ON "Task" FOR EACH ROW
  WHEN (NEW.done < OLD.done OR NEW.wanted > OLD.wanted)
  EXECUTE FUNCTION "task_slots_grew"();
