################################################################################
# Target groups and listener rules on the shared ALB
################################################################################

locals {
  # Each environment owns a block of 10 priorities: the slot comes from a variable or
  # from a hash of the name, never from apply order, so plans are deterministic.
  priority_slot = coalesce(var.listener_priority_slot, parseint(substr(sha256(var.name), 0, 8), 16) % 4999)
  priority_base = local.priority_slot * 10 + 1

  # A rule allows 5 condition values: the host plus 3 paths stays well inside it.
  backend_path_chunks = chunklist(var.backend_paths, 3)

  backend_priorities = [for i in range(length(local.backend_path_chunks)) : local.priority_base + i]
  # Reserved for the paused page: after the backend paths, before the frontend's catch-all.
  paused_priority = local.priority_base + 8
  # Host-only catch-all goes last in the block so path rules win.
  frontend_priority = local.priority_base + 9

  # Paused, the backend path rules answer a host nobody uses (their actions belong to ECS
  # deployments, so they stay), and the paused page answers every other request.
  backend_rule_host = var.paused ? "paused--${local.hostname}" : local.hostname
}

resource "aws_lb_target_group" "gunicorn" {
  name                 = "${var.name}-gunicorn"
  port                 = var.backend_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    path                = var.backend_health_check_path
    matcher             = "200-399"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = local.tags
}

resource "aws_lb_target_group" "frontend" {
  name                 = "${var.name}-frontend"
  port                 = var.frontend_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    path                = var.frontend_health_check_path
    matcher             = "200-399"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = local.tags
}

resource "aws_lb_listener_rule" "backend" {
  count = length(local.backend_path_chunks)

  listener_arn = var.alb_listener_arn
  priority     = local.backend_priorities[count.index]

  condition {
    host_header {
      values = [local.backend_rule_host]
    }
  }

  condition {
    path_pattern {
      values = local.backend_path_chunks[count.index]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gunicorn.arn
  }

  tags = local.tags

  lifecycle {
    # An ECS BLUE_GREEN / CANARY deployment (set outside this module) shifts traffic by
    # rewriting this action's weights; an apply must not shift it back mid-deployment.
    ignore_changes = [action]
  }
}

resource "aws_lb_listener_rule" "frontend" {
  listener_arn = var.alb_listener_arn
  priority     = local.frontend_priority

  condition {
    host_header {
      values = [local.hostname]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.frontend.arn
  }

  tags = local.tags

  lifecycle {
    # An ECS BLUE_GREEN / CANARY deployment (set outside this module) shifts traffic by
    # rewriting this action's weights; an apply must not shift it back mid-deployment.
    ignore_changes = [action]
  }
}

# A paused environment (var.paused) answers its URL with a page that says so and how to wake it,
# instead of the ALB's bare 503 for a target group without targets.
resource "aws_lb_listener_rule" "paused" {
  count = var.paused ? 1 : 0

  listener_arn = var.alb_listener_arn
  priority     = local.paused_priority

  condition {
    host_header {
      values = [local.hostname]
    }
  }

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/html"
      status_code  = tostring(var.paused_status_code)
      message_body = local.paused_page
    }
  }

  tags = local.tags
}

locals {
  # At most 1024 bytes (ALB's limit): the marker line is what load tests and monitors look for.
  paused_page = <<-HTML
    <!doctype html><title>${var.name} is paused</title>
    <h1>${var.name} is paused</h1>
    <p>adhoc-actions: paused. Nothing runs to save cost; its database, files and settings are kept.</p>
    <p>Wake it: run the pause workflow with action resume, or deploy it again.</p>
  HTML
}
