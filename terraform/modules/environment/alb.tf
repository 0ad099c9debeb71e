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
  # Host-only catch-all goes last in the block so path rules win.
  frontend_priority = local.priority_base + 9
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
      values = [local.hostname]
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
